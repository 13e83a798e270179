/**
 * Pre-flight checks and model loading for an audit's attack stack, so a stack that cannot run fails
 * before any training starts, with a message naming the field and what to do.
 */
import type { AttackSpec, ModelSpec, SurrogateSpec } from '../../contract/audit-spec'
import { isImportedSurrogate } from '../../contract/onnx-surrogate'
import { architectures, buildClassifier } from '../models/architecture-registry'
import type { Classifier, ModelConfig } from '../models/classifier'
import { loadClassifier } from '../models/model-io'
import type { ImageSplit } from '../data/dataset'
import { Rng } from '../data/rng'
import { collectLgv, LGV_DEFAULTS } from '../training/collect-lgv'
import { resolveFeatureLayer } from './feature-layers'

/** A new classifier of the same architecture holding a copy of every weight and BN statistic. */
export function cloneClassifier(model: Classifier): Classifier {
  if (model.copy) return model.copy()
  const copy = buildClassifier(model.config, new Rng(0))
  const source = model.params.all()
  for (const [name, v] of copy.params.all()) {
    const w = source.get(name)
    if (!w) throw new Error(`cloneClassifier: tensor "${name}" is missing from the source model`)
    v.assign(w)
  }
  return copy
}

/**
 * Collects LGV members from a trained surrogate (on a copy: the surrogate itself is not changed).
 * The caller disposes the members.
 */
export async function collectLgvMembers(
  surrogate: Classifier,
  train: ImageSplit,
  collect: { epochs: number; perEpoch: number; lr: number; batchSize: number },
  options: { seed: number; flipPreservesLabel: boolean; signal?: AbortSignal }
): Promise<Classifier[]> {
  const live = cloneClassifier(surrogate)
  const members: Classifier[] = []
  try {
    await collectLgv(live, train, {
      ...collect,
      momentum: LGV_DEFAULTS.momentum,
      weightDecay: LGV_DEFAULTS.weightDecay,
      augment: { cropPadding: 4, flip: options.flipPreservesLabel },
      rng: new Rng(options.seed).fork('lgv-collect'),
      signal: options.signal,
      onMember: (_index, model) => {
        members.push(cloneClassifier(model))
      }
    })
  } catch (error) {
    for (const m of members) m.params.dispose()
    throw error
  } finally {
    live.params.dispose()
  }
  return members
}

/** Throws when GN/SGM meet a surrogate without skips or LGV lacks members for a surrogate. */
export function checkAttackPlan(attack: AttackSpec, surrogates: SurrogateSpec[]): void {
  for (const [id, label] of [
    ['gn', 'GN (ghost networks)'],
    ['sgm', 'SGM (skip gradient method)']
  ] as const) {
    if (!attack.stack[id]) continue
    // An imported graph's residual Add nodes are found when it is imported (jobs/onnx-surrogates.ts).
    const plain = surrogates
      .filter((s): s is ModelSpec => !isImportedSurrogate(s))
      .find((s) => !architectures[s.arch]?.hasSkipConnections)
    if (plain)
      throw new Error(
        `attack.stack.${id}: ${label} needs residual skip connections, but surrogate "${plain.name}" is a ${plain.arch}, ` +
          `which has none: remove "${id}" or use a surrogate with skips (small-resnet, a ResNet, WRN, DenseNet, ConvMixer or MLP-Mixer)`
      )
  }
  // An imported graph's layers are known once it is imported: resolveFeatureLayer checks them then.
  checkFeatureLayers(
    attack,
    surrogates.filter((s): s is ModelSpec => !isImportedSurrogate(s))
  )
  const lgv = attack.stack.lgv
  if (lgv && !lgv.collect) {
    const missing = surrogates.find((s) => !lgv.sources.some((src) => src.surrogate === s.name))
    if (missing)
      throw new Error(
        `attack.stack.lgv.sources: no LGV member folders for surrogate "${missing.name}": add ` +
          `{ "surrogate": "${missing.name}", "dirs": [...] } with folders of models saved by Flatline, or set attack.stack.lgv.collect`
      )
  }
}

/** Loads the LGV members of one surrogate (none when the stack has no LGV); the caller disposes them. */
export async function loadLgvMembers(
  attack: AttackSpec,
  surrogate: string,
  expected: ModelConfig
): Promise<Classifier[]> {
  const source = attack.stack.lgv?.sources.find((s) => s.surrogate === surrogate)
  if (!source) return []
  const members: Classifier[] = []
  try {
    for (const dir of source.dirs) {
      const { model } = await loadClassifier(dir)
      members.push(model)
      const { inputShape, numClasses } = model.config
      if (
        inputShape.join('×') !== expected.inputShape.join('×') ||
        numClasses !== expected.numClasses
      )
        throw new Error(
          `attack.stack.lgv: member ${dir} takes ${inputShape.join('×')} images with ${numClasses} classes, but surrogate ` +
            `"${surrogate}" takes ${expected.inputShape.join('×')} with ${expected.numClasses}: use members trained on this dataset`
        )
    }
  } catch (error) {
    for (const m of members) m.params.dispose()
    throw error
  }
  return members
}

/**
 * ILA's and FIA's named layer (anything but 'auto') must be a layer of every surrogate they attack
 * from. Layer names depend on the architecture only, so a throwaway build on a 32×32×3 input lists them.
 */
function checkFeatureLayers(attack: AttackSpec, surrogates: ModelSpec[]): void {
  for (const id of ['ila', 'fia'] as const) {
    const layer = attack.stack[id]?.layer
    if (!layer || layer === 'auto') continue
    // Built-in architectures only: a surrogate from elsewhere (a graph) is checked when it is loaded (validateAttack).
    for (const s of surrogates.filter((m) => architectures[m.arch])) {
      const model = buildClassifier(
        {
          arch: s.arch,
          width: s.width,
          inputShape: [32, 32, 3],
          numClasses: 10,
          normalization: { mean: [0, 0, 0], std: [1, 1, 1] }
        },
        new Rng(0)
      )
      try {
        resolveFeatureLayer(model, layer, id)
      } catch (error) {
        throw new Error(`attack.stack.${(error as Error).message} (surrogate "${s.name}")`)
      } finally {
        model.params.dispose()
      }
    }
  }
}
