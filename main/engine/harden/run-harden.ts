/**
 * The Harden step of an audit (harden-spec.ts), run after the audit's own attacks: trains one
 * stand-in per recipe (trainAuditModel: checkpoints, resume), measures natural accuracy, re-runs the
 * audit's attack queue from the audit's surrogates against the stand-ins (runAttackQueue, on the
 * test images every stand-in classifies correctly, like the audit's denominator), then white-box PGD
 * robustness and robust-loss flatness per stand-in, and ranks the recipes with a recommendation.
 */
import { join } from 'node:path'
import type { QueuedAttack } from '../../contract/attack-queue'
import type { AuditSpec } from '../../contract/audit-spec'
import { stutzStepSize } from '../../contract/adversarial-training-spec'
import { hardenWarnings, type HardenSpec } from '../../contract/harden-spec'
import type { HardenResults } from '../../contract/harden-results'
import type { JobEvent, TaskInfo, EpochMetrics } from '../../contract/job-events'
import { range, type ImageDataset } from '../data/dataset'
import { Rng } from '../data/rng'
import { accuracyOf, predictSplit } from '../evaluation/predict'
import { commonlyCorrect, type NamedModel } from '../evaluation/transfer-evaluation'
import { runAttackQueue } from '../jobs/run-attack-queue'
import { trainAuditModel } from '../jobs/train-audit-model'
import type { Classifier } from '../models/classifier'
import type { InputNormalization } from '../models/normalize-input'
import type { EpochProbes } from '../training/epoch-probes'
import { formatGreyLevels } from '../report/report-format'
import { rankRecipes, type UnrankedRecipe } from './rank-recipes'
import { recommend } from './recommendation'
import { measureRobustFlatness } from './robust-flatness'
import { standInBase, standIns } from './stand-ins'
import { whiteBoxRobustness } from './white-box-robustness'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A model the audit already trained, which a stand-in may reproduce exactly. */
export interface TrainedModel {
  name: string
  model: Classifier
  hash: string
  epochs: EpochMetrics[]
  seconds: number
  passes?: number
}

export interface HardenContext {
  spec: AuditSpec & { harden: HardenSpec }
  dataset: ImageDataset
  normalization: InputNormalization
  queue: readonly QueuedAttack[]
  surrogates: NamedModel[]
  trainedTargets: TrainedModel[]
  runDir: string
  resume: boolean
  probes: EpochProbes
  signal?: AbortSignal
  emit: (event: DistributiveOmit<JobEvent, 'jobId'>) => void
  /** Receives every stand-in as soon as it exists, for the caller to free. */
  keep: (model: Classifier) => void
}

export function hardenTasks(harden: HardenSpec): TaskInfo[] {
  return [
    ...harden.recipes.map((r) => ({ id: `harden-train-${r}`, kind: 'train' as const, label: `Harden: train stand-in ${r}` })),
    { id: 'harden-attack', kind: 'attack', label: "Harden: the audit's attacks against the stand-ins" },
    { id: 'harden-measure', kind: 'evaluate', label: 'Harden: white-box PGD and robust-loss flatness' }
  ]
}

export async function runHarden(ctx: HardenContext): Promise<HardenResults> {
  const started = performance.now()
  const { spec, dataset, emit } = ctx
  const harden = spec.harden
  const { test } = dataset
  const base = await standInBase(spec, harden)
  const trainedStandIns: (TrainedModel & { recipe: (typeof harden.recipes)[number]; label: string; seed: number; reused: boolean })[] = []
  for (const standIn of standIns(base, harden)) {
    const taskId = `harden-train-${standIn.recipe}`
    const reused = ctx.trainedTargets.find((t) => t.name === standIn.sameAs)
    if (reused) {
      emit({ kind: 'task-progress', taskId, value: 1, detail: `the SGD baseline is ${reused.name} itself (same architecture, seed and recipe)` })
      trainedStandIns.push({ ...reused, name: standIn.spec.name, recipe: standIn.recipe, label: standIn.label, seed: standIn.spec.seed, reused: true })
    } else {
      const t = await trainAuditModel(standIn.spec, {
        role: 'target',
        dataset,
        normalization: ctx.normalization,
        modelDir: join(ctx.runDir, 'models', standIn.spec.name),
        resume: ctx.resume,
        probes: ctx.probes,
        signal: ctx.signal,
        emit: (event) => emit('taskId' in event ? { ...event, taskId } : event),
        keep: ctx.keep
      })
      const passes = t.epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0)
      trainedStandIns.push({ name: standIn.spec.name, model: t.model, hash: t.hash, epochs: t.epochs, seconds: t.seconds, passes, recipe: standIn.recipe, label: standIn.label, seed: standIn.spec.seed, reused: false })
    }
    emit({ kind: 'task-done', taskId, seconds: trainedStandIns.at(-1)!.reused ? 0 : trainedStandIns.at(-1)!.seconds })
  }

  // The audit's denominator rule: test images every stand-in classifies correctly, capped like the audit's.
  const candidates = range(test.count)
  const predictions = await Promise.all(trainedStandIns.map((s) => predictSplit(s.model, test, candidates)))
  const accuracy = predictions.map((p) => accuracyOf(p, test, candidates))
  const allCorrect = commonlyCorrect(test, candidates, predictions)
  const attacked = allCorrect.slice(0, ctx.queue[0].attack.maxExamples)
  if (attacked.length === 0)
    throw new Error('Harden: no test image is classified correctly by every stand-in, so transfer cannot be measured; train the stand-ins longer or drop the recipe that fails')

  const attackStart = performance.now()
  const pairs = ctx.queue.reduce((n, q) => n + q.surrogates.length, 0)
  let pairsDone = 0
  const { transfer } = await runAttackQueue({
    queue: ctx.queue.map((q) => ({ ...q, attack: { ...q.attack, exportExamples: false } })),
    surrogates: ctx.surrogates,
    targets: trainedStandIns.map((s) => ({ name: s.name, model: s.model })),
    train: dataset.train,
    test,
    attacked,
    classNames: dataset.classNames,
    flipPreservesLabel: dataset.flipPreservesLabel,
    auditSeed: spec.seed,
    runDir: ctx.runDir,
    gallerySize: 0,
    signal: ctx.signal,
    progress: (_taskId, value, detail) => emit({ kind: 'task-progress', taskId: 'harden-attack', value: (pairsDone + value) / pairs, detail }),
    taskDone: () => void pairsDone++,
    keep: (members) => members.forEach(ctx.keep)
  })
  emit({ kind: 'task-done', taskId: 'harden-attack', seconds: (performance.now() - attackStart) / 1000 })

  const measureStart = performance.now()
  const settings = measureSettings(spec, harden, test.count)
  const evaluated = range(Math.min(test.count, settings.flatness.examples))
  const whiteBoxImages = range(Math.min(test.count, settings.whiteBox.examples))
  const rng = new Rng(spec.seed).fork('harden')
  const rows: UnrankedRecipe[] = []
  for (const [i, s] of trainedStandIns.entries()) {
    const report = (value: number, detail: string) =>
      emit({ kind: 'task-progress', taskId: 'harden-measure', value: (i + value) / trainedStandIns.length, detail: `${s.name}: ${detail}` })
    const whiteBox = await whiteBoxRobustness(s.model, test, whiteBoxImages, { ...settings.whiteBox, randomStart: true, batchSize: ctx.queue[0].attack.batchSize }, rng.fork(`white-box-${s.recipe}`).seed(), {
      signal: ctx.signal,
      onBatch: (done, total) => report((0.2 * done) / total, `white-box PGD ${done}/${total}`)
    })
    const flatness = await measureRobustFlatness(
      s.model,
      test,
      evaluated,
      {
        pgd: { eps: settings.flatness.eps, steps: settings.flatness.pgdSteps, stepSize: settings.flatness.stepSize, randomStart: true },
        batchSize: harden.flatness.batchSize,
        average: settings.flatness.average,
        worst: settings.flatness.worst
      },
      rng.fork(`flatness-${s.recipe}`).seed(),
      { signal: ctx.signal, onProgress: (value, detail) => report(0.2 + 0.8 * value, detail) }
    )
    const cells = transfer.filter((c) => c.target === s.name)
    const strongest = [...cells].sort((a, b) => b.successRate - a.successRate)[0]
    rows.push({
      recipe: s.recipe,
      label: s.label,
      model: {
        name: s.name,
        arch: base.arch,
        width: base.width,
        seed: s.seed,
        hash: s.hash,
        params: s.model.params.countTrainable(),
        trainSeconds: s.seconds,
        ...(s.passes !== undefined ? { passes: s.passes } : {}),
        epochs: s.epochs,
        ...(s.reused ? { reusedTarget: true } : {})
      },
      naturalAccuracy: accuracy[i],
      whiteBox,
      transfer: { strongest, mean: cells.reduce((sum, c) => sum + c.successRate, 0) / cells.length, cells },
      flatness
    })
  }
  emit({ kind: 'task-done', taskId: 'harden-measure', seconds: (performance.now() - measureStart) / 1000 })

  const ranked = rankRecipes(rows, harden.ranking.accuracyWeight)
  const targetName = base.target.name ?? `a ${base.arch} model`
  return {
    target: base.target,
    settings: { ...settings, adversarialTraining: harden.adversarialTraining, accuracyWeight: harden.ranking.accuracyWeight },
    evaluated: { candidates: candidates.length, allCorrect: allCorrect.length, attacked: attacked.length },
    recipes: ranked,
    recommendation: recommend(ranked, targetName, harden.ranking.accuracyWeight, formatGreyLevels(settings.whiteBox.eps)),
    warnings: hardenWarnings(harden, spec),
    seconds: (performance.now() - started) / 1000
  }
}

/** The white-box and flatness settings with every default resolved: ε from the audit, steps from Stutz et al. */
function measureSettings(spec: AuditSpec, harden: HardenSpec, testCount: number): Omit<HardenResults['settings'], 'adversarialTraining' | 'accuracyWeight'> {
  const w = harden.whiteBox
  const whiteEps = w.eps ?? spec.attack.eps
  const f = harden.flatness
  const flatEps = f.eps ?? whiteEps
  return {
    whiteBox: { eps: whiteEps, steps: w.steps, stepSize: w.stepSize ?? stutzStepSize(whiteEps), restarts: w.restarts, examples: Math.min(w.examples, testCount) },
    flatness: {
      eps: flatEps,
      pgdSteps: f.pgdSteps,
      stepSize: f.stepSize ?? stutzStepSize(flatEps),
      examples: Math.min(f.examples, testCount),
      average: f.average,
      worst: f.worst
    }
  }
}
