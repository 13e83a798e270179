/**
 * The usual preprocessing mistakes, tried on the same sample as the declared preprocessing, and the
 * verdict: is another preprocessing clearly better than the one declared?
 *
 * Tried, each on the same images and at every accuracy (a model imported with the wrong mean/std
 * can stay well above chance): the other layout (when the model's input shape can be read both
 * ways), the value ranges [0,1], [0,255], [-1,1] each with the declared mean/std, without any, with
 * the dataset's own mean/std and (3 channels) ImageNet's, then class orders: reversed, shifted by
 * one, and the best matching on the sample's confusion counts (scored cross-fitted on halves). Logits versus probabilities is not
 * tried: the argmax, and so the accuracy, is the same either way.
 */
import type { LikelyCause, PartialPreprocessing } from '../../contract/target-zoo'
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import type { TargetModel } from './target-model'
import type { TargetPreprocessing } from './target-preprocessing'

export interface Diagnosis {
  likelyCause: LikelyCause
  message: string
  fix?: PartialPreprocessing
  fixedAccuracy?: number
  fixedCorrect?: number
}

/** One preprocessing tried instead of the declared one, and what it scores on the sample. */
export interface Candidate {
  likelyCause: LikelyCause
  /** What differs from the declared preprocessing: "with …". */
  change: string
  /** ": the model probably …" */
  conclusion: string
  /** The fields to change; a field set to undefined is removed (no mean/std). */
  fix: PartialPreprocessing
  accuracy: number
  correct: number
  /**
   * How much it changes: 1 for one thing (the layout, the range, the mean/std or a fixed class order),
   * 2 for range and mean/std together, 3 for a class order fitted on the sample. Among fixes within
   * the noise of the best, the lowest rank is named.
   */
  rank: number
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
const RANGES: [number, number][] = [
  [0, 1],
  [0, 255],
  [-1, 1]
]

export const pct = (v: number): string => `${(100 * v).toFixed(1)} %`
/** "90.8 % (454/500)": an accuracy with its count and denominator. */
const counted = (accuracy: number, correct: number, total: number): string =>
  `${pct(accuracy)} (${correct}/${total})`
const list = (values: number[]): string =>
  `[${values.map((v) => Number(v.toPrecision(4))).join(', ')}]`

/** Predicted dataset classes for every image of a split, in batches. */
export async function predictSplit(
  target: TargetModel,
  split: ImageSplit,
  batchSize = 100
): Promise<Int32Array> {
  const predictions = new Int32Array(split.count)
  for (let start = 0; start < split.count; start += batchSize) {
    const { x, y } = batchTensors(
      split,
      range(Math.min(batchSize, split.count - start)).map((i) => start + i)
    )
    y.dispose()
    try {
      predictions.set(await target.predict(x), start)
    } finally {
      x.dispose()
    }
  }
  return predictions
}

export function accuracyOf(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) correct++
  return predictions.length > 0 ? correct / predictions.length : 0
}

/** Per-channel mean and std of a split's pixels in [0,1] units. */
export function channelStats(split: ImageSplit): { mean: number[]; std: number[] } {
  const c = split.channels
  const sum = new Array<number>(c).fill(0)
  const sq = new Array<number>(c).fill(0)
  for (let i = 0; i < split.images.length; i++) {
    const v = split.images[i] / 255
    sum[i % c] += v
    sq[i % c] += v * v
  }
  const n = split.images.length / c
  const mean = sum.map((s) => s / n)
  return { mean, std: sq.map((s, k) => Math.max(Math.sqrt(s / n - mean[k] ** 2), 1e-3)) }
}

export interface CandidateInput {
  target: TargetModel
  sample: ImageSplit
  /** The declared preprocessing's predictions on `sample`. */
  predictions: Int32Array
  classes: number
  /** Loads the same file with the other layout, or throws when its input shape cannot be read so. */
  loadOtherLayout?: () => Promise<TargetModel>
}

/** Every usual alternative to the declared preprocessing, scored on the same sample. */
export async function tryPreprocessingCandidates(input: CandidateInput): Promise<Candidate[]> {
  const { target, sample, predictions, classes } = input
  const prep = target.preprocessing
  const labels = sample.labels
  const candidates: Candidate[] = []
  const scored = (predicted: Int32Array): { accuracy: number; correct: number } => {
    const accuracy = accuracyOf(predicted, labels)
    return { accuracy, correct: Math.round(accuracy * sample.count) }
  }

  // 1. The other layout, when the model loads that way at all.
  if (input.loadOtherLayout) {
    const other = await input.loadOtherLayout().catch(() => undefined)
    if (other) {
      try {
        const layout = other.layout
        const score = scored(await predictSplit(other, sample))
        candidates.push({
          likelyCause: 'layout',
          change: `layout ${layout}`,
          conclusion: `the model probably expects ${layout}`,
          fix: { layout },
          ...score,
          rank: 1
        })
      } finally {
        await other.dispose()
      }
    }
  }

  // 2. Value range and mean/std.
  const c = target.inputShape[2]
  const stats = channelStats(sample)
  // With resize, a model may take another channel count than the dataset: then one value for all channels.
  const avg = (v: number[]): number[] => [v.reduce((a, b) => a + b, 0) / v.length]
  const own = stats.mean.length === c ? stats : { mean: avg(stats.mean), std: avg(stats.std) }
  type Norm = {
    label: (mean?: number[], std?: number[]) => string
    mean?: number[]
    std?: number[]
    unit: 'declared' | 'pixel'
  }
  const norms: Norm[] = [{ label: () => 'no mean/std', unit: 'pixel' }]
  if (prep.mean || prep.std)
    norms.push({
      label: () => 'the declared mean/std',
      mean: prep.mean,
      std: prep.std,
      unit: 'declared'
    })
  norms.push({
    label: (m, s) => `the dataset's mean ${list(m ?? [])} / std ${list(s ?? [])}`,
    ...own,
    unit: 'pixel'
  })
  if (c === 3)
    norms.push({
      label: (m, s) => `ImageNet's mean ${list(m ?? [])} / std ${list(s ?? [])}`,
      ...IMAGENET,
      unit: 'pixel'
    })
  for (const r of RANGES) {
    for (const norm of norms) {
      // Pixel-unit statistics are rescaled to the range's units; declared ones are used as given.
      const scale = norm.unit === 'pixel' ? r[1] - r[0] : 1
      const mean = norm.mean?.map((m) => (norm.unit === 'pixel' ? r[0] + m * scale : m))
      const std = norm.std?.map((s) => s * scale)
      const rangeChanged = r[0] !== prep.range[0] || r[1] !== prep.range[1]
      const normChanged =
        JSON.stringify(mean) !== JSON.stringify(prep.mean) ||
        JSON.stringify(std) !== JSON.stringify(prep.std)
      if (!rangeChanged && !normChanged) continue
      const label = norm.label(mean, std)
      const normalised = mean ? `normalised with ${label}` : 'without mean/std normalisation'
      const [change, conclusion, rank] = !normChanged
        ? [`range ${list(r)}`, `the model probably expects values in ${list(r)}`, 1]
        : !rangeChanged
          ? [label, `the model probably expects inputs ${normalised}`, 1]
          : [
              `range ${list(r)} and ${label}`,
              `the model probably expects values in ${list(r)} ${normalised}`,
              2
            ]
      const variant: TargetPreprocessing = { ...prep, range: r, mean, std }
      const score = scored(await predictSplit(target.withPreprocessing(variant), sample))
      candidates.push({
        likelyCause: rangeChanged ? 'range' : 'normalisation',
        change,
        conclusion,
        fix: { range: r, mean, std },
        ...score,
        rank
      })
    }
  }

  // 3. Class order, from the predictions already made (a relabelling of the predicted class). A model
  // that answers mostly one class only moves that answer to another class's share: no order to find.
  if (target.outputClasses === classes && mostPredicted(predictions).share < ONE_CLASS) {
    const relabel = (name: string, conclusion: string, map: (k: number) => number): void => {
      // classMap' = map ∘ classMap: output i now means dataset class map(classMap[i]).
      const base = prep.classMap ?? range(classes)
      const classMap = base.map(map)
      const score = scored(Int32Array.from(predictions, (p) => map(p)))
      candidates.push({
        likelyCause: 'class-order',
        change: `${name} (classMap ${JSON.stringify(classMap)})`,
        conclusion,
        fix: { classMap },
        ...score,
        rank: 1
      })
    }
    relabel(
      'the class order reversed',
      'the model probably orders its classes in reverse',
      (k) => classes - 1 - k
    )
    relabel(
      'the class order shifted by +1',
      'the model probably numbers its classes from another start',
      (k) => (k + 1) % classes
    )
    relabel(
      'the class order shifted by −1',
      'the model probably numbers its classes from another start',
      (k) => (k + classes - 1) % classes
    )
    // Greedy matching on the confusion counts: fitted on the sample, so it is scored cross-fitted
    // (each half relabelled by the matching of the other half), else it would find "better" orders in noise.
    const half = (parity: number): number[] => range(sample.count).filter((i) => i % 2 === parity)
    const fitted = [
      matchClasses(predictions, labels, classes, half(1)),
      matchClasses(predictions, labels, classes, half(0))
    ]
    const crossFitted = Int32Array.from(predictions, (p, i) => fitted[i % 2][p])
    const matched = matchClasses(predictions, labels, classes, range(sample.count))
    if (!matched.every((k, p) => k === p)) {
      const classMap = (prep.classMap ?? range(classes)).map((k) => matched[k])
      candidates.push({
        likelyCause: 'class-order',
        change: `the class order matched on this sample (classMap ${JSON.stringify(classMap)})`,
        conclusion: 'the model probably orders its classes differently from the dataset',
        fix: { classMap },
        ...scored(crossFitted),
        rank: 3
      })
    }
  }
  return candidates
}

/** Above this share of one predicted class, a model "answers mostly one class". */
const ONE_CLASS = 0.6

function mostPredicted(predictions: Int32Array): { cls: number; share: number } {
  const counts = new Map<number, number>()
  for (const p of predictions) counts.set(p, (counts.get(p) ?? 0) + 1)
  const [cls, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0]
  return { cls, share: predictions.length > 0 ? count / predictions.length : 0 }
}

/** The relabelling of predicted classes that agrees best with the labels on `indices` (greedy on confusion counts). */
function matchClasses(
  predictions: Int32Array,
  labels: ArrayLike<number>,
  classes: number,
  indices: number[]
): number[] {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  for (const i of indices) if (predictions[i] < classes) confusion[predictions[i]][labels[i]]++
  const cells = confusion
    .flatMap((row, p) => row.map((count, k) => ({ p, k, count })))
    .sort((a, b) => b.count - a.count)
  const matched = new Array<number>(classes).fill(-1)
  const taken = new Set<number>()
  for (const { p, k } of cells) {
    if (matched[p] >= 0 || taken.has(k)) continue
    matched[p] = k
    taken.add(k)
  }
  return matched
}

/** The binomial standard deviation of an accuracy measured on `n` images. */
export function binomialSigma(accuracy: number, n: number): number {
  return n > 0 ? Math.sqrt((accuracy * (1 - accuracy)) / n) : 0
}

/**
 * Whether `candidate` beats the declared accuracy by a clear margin: at least 5 points, and outside
 * the declared accuracy's binomial ± 2σ on this sample (so a small sample needs a larger gap).
 */
export function clearlyBetter(candidate: number, declared: number, n: number): boolean {
  const gain = candidate - declared
  return gain >= 0.05 && gain > 2 * binomialSigma(declared, n)
}

export interface Verdict {
  /** The declared preprocessing's accuracy and correct count on the sample of `total` images. */
  accuracy: number
  correct: number
  total: number
  chance: number
  candidates: Candidate[]
  /** The declared preprocessing's predictions, to say when it answers mostly one class. */
  predictions?: Int32Array
}

/**
 * The warning a check carries, or undefined when the model is usable as declared.
 *
 * A candidate clearly better than the declared preprocessing (`clearlyBetter`) is named at any
 * accuracy; the one named is the best-scoring, unless a simpler one is within its noise (2σ).
 * Near chance (< 2 × chance) there is always a warning, naming no fix when none is clearly better.
 */
export function judgePreprocessing(v: Verdict): Diagnosis | undefined {
  const { accuracy, correct, total, chance } = v
  const nearChance = accuracy < 2 * chance
  const head = nearChance
    ? `accuracy ${counted(accuracy, correct, total)} is near chance (${pct(chance)}); `
    : ''
  const better = v.candidates.filter((c) => clearlyBetter(c.accuracy, accuracy, total))
  if (better.length > 0) {
    const top = Math.max(...better.map((c) => c.accuracy))
    const noise = 2 * binomialSigma(top, total)
    const chosen = better
      .filter((c) => top - c.accuracy <= noise)
      .sort((a, b) => a.rank - b.rank || b.accuracy - a.accuracy)[0]
    return {
      likelyCause: chosen.likelyCause,
      message:
        `${head}with ${chosen.change} it is ${counted(chosen.accuracy, chosen.correct, total)} ` +
        `against ${counted(accuracy, correct, total)} as declared: ${chosen.conclusion}.`,
      fix: chosen.fix,
      fixedAccuracy: chosen.accuracy,
      fixedCorrect: chosen.correct
    }
  }
  if (!nearChance) return undefined
  const top = v.predictions ? mostPredicted(v.predictions) : undefined
  const oneClass =
    top && top.share >= ONE_CLASS
      ? ` It predicts class ${top.cls} for ${pct(top.share)} of images.`
      : ''
  return {
    likelyCause: 'unknown',
    message:
      `${head}no usual mistake fixes it (layout, value range [0, 1] / [0, 255] / [-1, 1], mean/std, class order reversed or shifted).${oneClass} ` +
      'Check that the model was trained on this kind of data and that its export is complete.'
  }
}
