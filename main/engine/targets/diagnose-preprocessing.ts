/**
 * Why an imported target scores near chance: tries the usual preprocessing mistakes on the same
 * sample and names the one that fixes it ("with layout NCHW it is 91.2 %: the model probably expects
 * NCHW").
 *
 * Tried, each on the same images: the other layout (when the model's input shape can be read both
 * ways), the usual value ranges ([0,1], [0,255], [-1,1]) with the declared mean/std, without any, with
 * the dataset's own mean/std and (3 channels) ImageNet's, then class orders: reversed, shifted by one,
 * and the best matching on the sample's confusion counts. Logits versus probabilities is not tried:
 * the argmax, and so the accuracy, is the same either way.
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
}

interface Variant {
  cause: LikelyCause
  /** "with …" */
  change: string
  /** ": the model probably …" */
  conclusion: string
  fix: PartialPreprocessing
  accuracy: number
  /** How much it changes (lower is simpler): among fixes that score about the same, the simplest is named. */
  rank: number
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
const RANGES: [number, number][] = [
  [0, 1],
  [0, 255],
  [-1, 1]
]

export const pct = (v: number): string => `${(100 * v).toFixed(1)} %`
const list = (values: number[]): string => `[${values.map((v) => Number(v.toPrecision(4))).join(', ')}]`

/** Predicted dataset classes for every image of a split, in batches. */
export async function predictSplit(target: TargetModel, split: ImageSplit, batchSize = 100): Promise<Int32Array> {
  const predictions = new Int32Array(split.count)
  for (let start = 0; start < split.count; start += batchSize) {
    const { x, y } = batchTensors(split, range(Math.min(batchSize, split.count - start)).map((i) => start + i))
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

export interface DiagnoseInput {
  target: TargetModel
  sample: ImageSplit
  predictions: Int32Array
  accuracy: number
  classes: number
  /** Loads the same file with the other layout, or throws when its input shape cannot be read so. */
  loadOtherLayout?: () => Promise<TargetModel>
}

export async function diagnosePreprocessing(input: DiagnoseInput): Promise<Diagnosis> {
  const { target, sample, predictions, accuracy, classes } = input
  const prep = target.preprocessing
  const labels = sample.labels
  const chance = 1 / classes
  const variants: Variant[] = []
  const score = async (model: TargetModel): Promise<number> => accuracyOf(await predictSplit(model, sample), labels)

  // 1. The other layout, when the model loads that way at all.
  if (input.loadOtherLayout) {
    const other = await input.loadOtherLayout().catch(() => undefined)
    if (other) {
      try {
        const layout = other.layout
        const accuracy = await score(other)
        variants.push({ cause: 'layout', change: `layout ${layout}`, conclusion: `the model probably expects ${layout}`, fix: { layout }, accuracy, rank: 0 })
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
  const norms: { label: string; mean?: number[]; std?: number[]; unit: 'declared' | 'pixel' }[] = [{ label: 'without mean/std', unit: 'pixel' }]
  if (prep.mean || prep.std) norms.push({ label: 'with the declared mean/std', mean: prep.mean, std: prep.std, unit: 'declared' })
  norms.push({ label: `with the dataset's mean ${list(own.mean)} / std ${list(own.std)}`, ...own, unit: 'pixel' })
  if (c === 3) norms.push({ label: `with ImageNet's mean/std`, ...IMAGENET, unit: 'pixel' })
  for (const r of RANGES) {
    for (const norm of norms) {
      // Pixel-unit statistics are rescaled to the range's units; declared ones are used as given.
      const scale = norm.unit === 'pixel' ? r[1] - r[0] : 1
      const mean = norm.mean?.map((m) => (norm.unit === 'pixel' ? r[0] + m * scale : m))
      const std = norm.std?.map((s) => s * scale)
      const sameRange = r[0] === prep.range[0] && r[1] === prep.range[1]
      const sameNorm = JSON.stringify(mean) === JSON.stringify(prep.mean) && JSON.stringify(std) === JSON.stringify(prep.std)
      if (sameRange && sameNorm) continue
      const variant: TargetPreprocessing = { ...prep, range: r, mean, std }
      const normChanged = !sameNorm
      const cause: LikelyCause = normChanged && sameRange ? 'normalisation' : 'range'
      const change = `range ${list(r)} ${norm.label}`
      const conclusion =
        cause === 'range'
          ? `the model probably expects values in ${list(r)}${normChanged ? ` ${norm.label}` : ''}`
          : `the model probably expects inputs ${mean ? `normalised ${norm.label}` : 'without mean/std normalisation'}`
      const rank = normChanged ? (sameRange ? 2 : 3) : 1
      variants.push({ cause, change, conclusion, fix: { range: r, mean, std }, accuracy: await score(target.withPreprocessing(variant)), rank })
    }
  }

  // 3. Class order, from the predictions already made (a relabelling of the predicted class).
  if (target.outputClasses === classes) {
    const relabel = (name: string, conclusion: string, map: (k: number) => number, rank = 1): void => {
      // classMap' = map ∘ classMap: output i now means dataset class map(classMap[i]).
      const base = prep.classMap ?? range(classes)
      const classMap = base.map(map)
      variants.push({
        cause: 'class-order',
        change: `${name} (classMap ${JSON.stringify(classMap)})`,
        conclusion,
        fix: { classMap },
        accuracy: accuracyOf(Int32Array.from(predictions, (p) => map(p)), labels),
        rank
      })
    }
    relabel('the class order reversed', 'the model probably orders its classes in reverse', (k) => classes - 1 - k)
    relabel('the class order shifted by +1', 'the model probably numbers its classes from another start', (k) => (k + 1) % classes)
    relabel('the class order shifted by −1', 'the model probably numbers its classes from another start', (k) => (k + classes - 1) % classes)
    // Greedy matching on the confusion counts (largest first): fitted on this sample, so tried last.
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
    predictions.forEach((p, i) => {
      if (p < classes) confusion[p][labels[i]]++
    })
    const cells = confusion.flatMap((row, p) => row.map((count, k) => ({ p, k, count }))).sort((a, b) => b.count - a.count)
    const matched = new Array<number>(classes).fill(-1)
    const taken = new Set<number>()
    for (const { p, k } of cells) {
      if (matched[p] >= 0 || taken.has(k)) continue
      matched[p] = k
      taken.add(k)
    }
    relabel('the class order matched on this sample', 'the model probably orders its classes differently from the dataset', (k) => matched[k], 4)
  }

  const head = `accuracy ${pct(accuracy)} on ${sample.count} test images is near chance (${pct(chance)})`
  const bestScore = Math.max(...variants.map((v) => v.accuracy))
  // Within 3 points of the best, the simplest change (then the best score) is the likely mistake.
  const best = variants
    .filter((v) => v.accuracy >= bestScore - 0.03)
    .sort((a, b) => a.rank - b.rank || b.accuracy - a.accuracy)[0]
  if (best && best.accuracy >= Math.max(2 * chance, accuracy + 0.1))
    return {
      likelyCause: best.cause,
      message: `${head}; with ${best.change} it is ${pct(best.accuracy)}: ${best.conclusion}.`,
      fix: best.fix,
      fixedAccuracy: best.accuracy
    }
  const counts = new Map<number, number>()
  for (const p of predictions) counts.set(p, (counts.get(p) ?? 0) + 1)
  const [top, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0]
  const oneClass = topCount >= 0.6 * predictions.length ? ` It predicts class ${top} for ${pct(topCount / predictions.length)} of images.` : ''
  return {
    likelyCause: 'unknown',
    message:
      `${head}; no usual mistake fixes it (layout, value range [0, 1] / [0, 255] / [-1, 1], mean/std, class order reversed or shifted).${oneClass} ` +
      'Check that the model was trained on this kind of data and that its export is complete.'
  }
}
