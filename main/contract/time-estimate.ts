/**
 * Estimated wall time of an audit from measured throughputs (issue 3: "an estimated time on the
 * active backend"): forward-backward passes ÷ passes per second.
 *
 * Training a model costs relativeCost × epochs × training images passes (SAM counts 2 per image and
 * step, spec §5); LGV's collection costs its epochs of plain SGD over the same images, once per
 * surrogate; the attack costs examples × the stack's passes over all its steps (attackCost, which
 * counts RAP's late start) × the repeats a randomised stack runs, summed over a queue's stacks. Plain data in, numbers out, so the
 * form and the CLI can share it. Left out as small next to these: evaluating the targets, data loading.
 */
import { surrogateRecipe, type ImportedSurrogateSpec } from './onnx-surrogate'
import { attackCost, isRandomisedStack, type AttackStack } from './attack-stack'
import type { DatasetSpec, ModelSpec } from './audit-spec'
import { relativeCost } from './training-presets'
import type { ThroughputEstimate } from './throughput'

/** The Fashion-MNIST subset shipped with the app (resources/demo). */
export const EMBEDDED_DATASET = {
  train: 6000,
  test: 1000,
  inputShape: [28, 28, 1] as [number, number, number],
  numClasses: 10
}

export interface DatasetSize {
  /** Images a model trains on: after `trainLimit`, minus the validation split. */
  train: number
  test: number
  inputShape: [number, number, number]
  numClasses: number
}

/** What the form knows of a dataset before loading it: the embedded one's size, null for files on disk. */
export function knownDatasetSize(
  dataset: Pick<DatasetSpec, 'source' | 'trainLimit' | 'testLimit' | 'validationSize'>
): DatasetSize | null {
  if (dataset.source !== 'embedded') return null
  const limit = (total: number, n: number): number => (n > 0 ? Math.min(n, total) : total)
  const train = Math.max(
    0,
    limit(EMBEDDED_DATASET.train, dataset.trainLimit) - (dataset.validationSize ?? 0)
  )
  return {
    train,
    test: limit(EMBEDDED_DATASET.test, dataset.testLimit),
    inputShape: EMBEDDED_DATASET.inputShape,
    numClasses: EMBEDDED_DATASET.numClasses
  }
}

/** Training passes (image forward-backwards) of one model's recipe. */
export function trainingPasses(model: Pick<ModelSpec, 'recipe'>, trainImages: number): number {
  const { minimizer, epochs, batchSize, adversarial } = model.recipe
  // Adversarial training adds its PGD steps (input-gradient passes) to every iteration.
  return (
    (relativeCost(minimizer, epochs, Math.ceil(trainImages / batchSize)) +
      (adversarial?.steps ?? 0)) *
    epochs *
    trainImages
  )
}

/** Techniques that draw random numbers, so their attack runs once per repeat (else once): read from the registry. */
export { isRandomisedStack }

export interface AttackPlanSize {
  steps: number
  maxExamples: number
  repeats: number
  stack: AttackStack
  /** Queue entries: the surrogates this stack attacks from (all when absent). */
  surrogates?: string[]
}

/** Gradient passes of one surrogate's attack: examples × passes over all steps × effective repeats. */
export function attackPasses(attack: AttackPlanSize, examples: number): number {
  const repeats = isRandomisedStack(attack.stack) ? attack.repeats : 1
  return examples * attackCost(attack.stack, attack.steps) * repeats
}

export interface ModelTimeEstimate {
  name: string
  role: 'surrogate' | 'target'
  trainPasses: number
  /** null until this model's throughput is measured. */
  trainSeconds: number | null
  /** Surrogates under LGV collection: the one-off collection (SGD epochs over the training set). */
  lgvPasses?: number
  lgvSeconds?: number | null
  /** Surrogates: their attack. */
  attackPasses?: number
  attackSeconds?: number | null
}

export interface AuditTimeEstimate {
  models: ModelTimeEstimate[]
  /** Examples attacked at most (`maxExamples` capped by the test set; those every target gets right, so possibly fewer). */
  examples: number
  /** Sum of every part, or null while a throughput is missing. */
  totalSeconds: number | null
}

export interface AuditPlan {
  dataset: DatasetSize
  /** Trained surrogates, and imported ones (which train only when fine-tuned). */
  surrogates: (Pick<ModelSpec, 'name' | 'recipe'> | ImportedSurrogateSpec)[]
  targets: Pick<ModelSpec, 'name' | 'recipe'>[]
  attack: AttackPlanSize
  /** An attack queue, which replaces `attack` when present and not empty. */
  attacks?: AttackPlanSize[]
}

const over = (passes: number, perSecond: number | undefined): number | null =>
  perSecond !== undefined && perSecond > 0 && Number.isFinite(passes) ? passes / perSecond : null

/**
 * The audit's estimated time, part by part. `throughputOf` gives the measured throughput of a model
 * (surrogates by index, then targets), or undefined while it is not known.
 */
export function estimateAuditTime(
  plan: AuditPlan,
  throughputOf: (
    role: 'surrogate' | 'target',
    index: number
  ) => Pick<ThroughputEstimate, 'trainImagesPerSecond' | 'gradientsPerSecond'> | undefined
): AuditTimeEstimate {
  const { dataset } = plan
  const stacks = plan.attacks?.length ? plan.attacks : [plan.attack]
  const examples = Math.min(stacks[0].maxExamples, dataset.test)
  const models: ModelTimeEstimate[] = []
  plan.surrogates.forEach((m, i) => {
    const t = throughputOf('surrogate', i)
    const recipe = surrogateRecipe(m)
    const trainPasses = recipe ? trainingPasses({ recipe }, dataset.train) : 0
    const mine = stacks.filter((a) => !a.surrogates || a.surrogates.includes(m.name))
    const passes = mine.reduce((sum, a) => sum + attackPasses(a, examples), 0)
    // The engine collects once per surrogate and distinct collect settings, and not where member folders are given.
    const collects = new Map<string, number>()
    for (const a of mine) {
      const lgv = a.stack.lgv
      if (lgv?.collect && !lgv.sources.some((src) => src.surrogate === m.name))
        collects.set(JSON.stringify(lgv.collect), lgv.collect.epochs)
    }
    const entry: ModelTimeEstimate = {
      name: m.name,
      role: 'surrogate',
      trainPasses,
      trainSeconds: over(trainPasses, t?.trainImagesPerSecond),
      attackPasses: passes,
      attackSeconds: over(passes, t?.gradientsPerSecond)
    }
    if (collects.size) {
      entry.lgvPasses = [...collects.values()].reduce(
        (sum, epochs) => sum + epochs * dataset.train,
        0
      )
      entry.lgvSeconds = over(entry.lgvPasses, t?.trainImagesPerSecond)
    }
    models.push(entry)
  })
  plan.targets.forEach((m, i) => {
    const trainPasses = trainingPasses(m, dataset.train)
    models.push({
      name: m.name,
      role: 'target',
      trainPasses,
      trainSeconds: over(trainPasses, throughputOf('target', i)?.trainImagesPerSecond)
    })
  })
  const parts = models.flatMap((m) => [
    m.trainSeconds,
    ...(m.role === 'surrogate' ? [m.attackSeconds ?? null] : []),
    ...(m.lgvPasses !== undefined ? [m.lgvSeconds ?? null] : [])
  ])
  const totalSeconds = parts.every((s): s is number => s !== null)
    ? parts.reduce((a, b) => a + b, 0)
    : null
  return { models, examples, totalSeconds }
}

/** "≈ 40 s", "≈ 3.5 min", "≈ 2.1 h": two significant figures at most, which is all an estimate has. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?'
  const round = (v: number): number => Number(v.toPrecision(2))
  if (seconds < 1) return '< 1 s'
  if (seconds < 90) return `≈ ${Math.round(seconds)} s`
  if (seconds < 90 * 60) return `≈ ${round(seconds / 60)} min`
  return `≈ ${round(seconds / 3600)} h`
}
