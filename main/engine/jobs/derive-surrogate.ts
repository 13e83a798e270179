/**
 * A derived surrogate (contract/derived-surrogate.ts), read from a trained surrogate's per-epoch
 * checkpoints in `runs/<id>/models/<from>/checkpoints/` instead of trained again:
 * - early-stopped: the epoch with the most validation examples fooled (ties → earliest), from the
 *   validation transfer the source tracked at every epoch — validation targets and images only;
 * - swa: the running average of the checkpoints' trainable weights from the averaging start on,
 *   then batch norm recomputed with the source's own seed, exactly as the swa minimizer would do on a
 *   training with that seed (the SGD trajectory is the same; SWA only reads it).
 * The derived model is saved to `models/<name>/` like a trained one, so it can join the zoo.
 */
import { trainedSurrogates } from '../../contract/onnx-surrogate'
import { join } from 'node:path'
import type { DerivedSurrogateSpec } from '../../contract/derived-surrogate'
import type { AuditSpec, ModelSpec, SurrogateSpec } from '../../contract/audit-spec'
import type { EpochMetrics } from '../../contract/job-events'
import type { ModelResult } from '../../contract/run-record'
import type { ImageDataset } from '../data/dataset'
import { Rng } from '../data/rng'
import type { Classifier } from '../models/classifier'
import { loadClassifier, saveClassifier } from '../models/model-io'
import { averagingStart, WeightAverage } from '../minimizers/weight-average'
import { recomputeBatchNorm } from '../training/recompute-batch-norm'
import { selectEarlyStopEpoch } from '../training/early-stopping'
import { checkpointName } from './train-audit-model'

export interface DeriveContext {
  /** The trained source: its spec and its training history (epochs with their tracked validation transfer). */
  source: { spec: ModelSpec; epochs: EpochMetrics[]; passes?: number }
  /** runs/<id>/models */
  modelsDir: string
  dataset: ImageDataset
  signal?: AbortSignal
}

export interface DerivedSurrogate {
  model: Classifier
  hash: string
  /** The result fields a derived surrogate adds to its ModelResult (accuracy is measured later). */
  result: Pick<ModelResult, 'epochs' | 'passes' | 'derived' | 'chosenEpoch'>
}

export async function deriveSurrogate(
  spec: DerivedSurrogateSpec,
  ctx: DeriveContext
): Promise<DerivedSurrogate> {
  const { source } = ctx
  const checkpoint = (epoch: number): string =>
    join(ctx.modelsDir, source.spec.name, 'checkpoints', checkpointName(epoch))
  const derived = { from: source.spec.name, method: spec.method }
  let model: Classifier
  let result: DerivedSurrogate['result']
  if (spec.method === 'early-stopped') {
    const { epoch, reason } = chooseEpoch(
      source.spec.name,
      source.epochs,
      source.spec.recipe.epochs
    )
    model = (await loadClassifier(checkpoint(epoch))).model
    const epochs = source.epochs.filter((e) => e.epoch <= epoch)
    result = { epochs, passes: sumPasses(epochs), derived, chosenEpoch: { epoch, reason } }
  } else {
    model = await averageCheckpoints(spec, ctx, checkpoint)
    result = { epochs: source.epochs, passes: source.passes ?? sumPasses(source.epochs), derived }
  }
  try {
    const manifest = await saveClassifier(model, join(ctx.modelsDir, spec.name), {
      name: spec.name,
      dataset: ctx.dataset.name,
      recipe: source.spec.recipe,
      seed: source.spec.seed,
      metrics: result.epochs
    })
    return { model, hash: manifest.sha256, result }
  } catch (error) {
    model.params.dispose()
    throw error
  }
}

/** Early stopping on the source's recorded validation transfer: most examples fooled, ties → earliest. */
function chooseEpoch(
  name: string,
  epochs: EpochMetrics[],
  total: number
): { epoch: number; reason: string } {
  const missing = epochs.find((e) => !e.validationTransfer)
  if (epochs.length < total || missing)
    throw new Error(
      `cannot read early-stopped "${name}": epoch ${missing?.epoch ?? epochs.length + 1} has no validation transfer recorded`
    )
  // One pooled rate over the validation targets (same images for each) is their mean rate.
  const success = epochs.map((e) => [e.validationTransfer!.fooled / e.validationTransfer!.attacked])
  const choice = selectEarlyStopEpoch(
    {
      role: 'validation',
      epochs: epochs.map((e) => e.epoch),
      targets: { role: 'validation', items: ['validation targets'] },
      success
    },
    total
  )
  const v = epochs.find((e) => e.epoch === choice.epoch)!.validationTransfer!
  return {
    epoch: choice.epoch,
    reason: `best validation transfer ${(100 * choice.meanSuccess).toFixed(1)} % (${v.fooled}/${v.attacked}) at epoch ${choice.epoch} of ${total}`
  }
}

/** SWA from checkpoints: the same running average and BN recompute (same seed) as the swa minimizer. */
async function averageCheckpoints(
  spec: DerivedSurrogateSpec,
  ctx: DeriveContext,
  checkpoint: (epoch: number) => string
): Promise<Classifier> {
  const { recipe, seed } = ctx.source.spec
  const average = new WeightAverage()
  let last: Classifier | undefined
  try {
    for (
      let epoch = averagingStart(recipe.epochs, 'after-three-quarters', spec.averageStart);
      epoch <= recipe.epochs;
      epoch++
    ) {
      last?.params.dispose()
      last = (await loadClassifier(checkpoint(epoch))).model
      average.add(last.params.trainable)
    }
    const model = last!
    average.assignTo(model.params.trainable)
    const augment = {
      cropPadding: recipe.augment.cropPadding,
      flip: recipe.augment.flip && ctx.dataset.flipPreservesLabel
    }
    // train-audit-model trains with Rng(seed).fork('train'); train-classifier recomputes BN with its fork('bn-recompute').
    const rng = new Rng(seed).fork('train').fork('bn-recompute')
    await recomputeBatchNorm(model, ctx.dataset.train, {
      batchSize: recipe.batchSize,
      augment,
      rng,
      signal: ctx.signal
    })
    return model
  } catch (error) {
    last?.params.dispose()
    throw error
  } finally {
    average.dispose()
  }
}

function sumPasses(epochs: EpochMetrics[]): number {
  return epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0)
}

/** The audit's surrogate specs followed by one per derived surrogate (its source's spec under its own name). */
export function surrogateSpecsWithDerived(
  spec: Pick<AuditSpec, 'surrogates' | 'derivedSurrogates'>
): SurrogateSpec[] {
  return [
    ...spec.surrogates,
    ...(spec.derivedSurrogates ?? []).flatMap((d) =>
      trainedSurrogates(spec.surrogates)
        .filter((s) => s.name === d.from)
        .map((s) => ({ ...s, name: d.name }))
    )
  ]
}
