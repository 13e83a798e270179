/**
 * The import's sanity check: accuracy of a target on a sample of clean test images.
 *
 * Near chance (below 2 × 1/classes) almost always means the preprocessing description is
 * wrong, not the model. The warning names the likely cause from what the predictions look like:
 * one class for most images points at the value range or mean/std; spread predictions that a
 * class permutation would fix point at the class order (and give the classMap that fixes it);
 * probability outputs whose rows do not sum to 1 point at a logits/probabilities mix-up.
 */
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import type { TargetModel } from './target-model'

export interface NaturalAccuracy {
  accuracy: number
  sampled: number
  chance: number
  warning?: string
}

export async function measureNaturalAccuracy(
  target: TargetModel,
  split: ImageSplit,
  classes: number,
  sample = 200,
  batchSize = 50
): Promise<NaturalAccuracy> {
  const n = Math.min(sample, split.count)
  const labels = split.labels.subarray(0, n)
  const { predictions, probabilityRowsOff } = await predictSample(target, split, n, batchSize)
  const accuracy = accuracyOf(predictions, labels)
  const chance = 1 / classes
  const result: NaturalAccuracy = { accuracy, sampled: n, chance }
  if (probabilityRowsOff > 0)
    result.warning = `preprocessing.output says probabilities but ${probabilityRowsOff} of ${n} output rows do not sum to 1: the model probably outputs logits.`
  if (accuracy < 2 * chance) {
    const head = `natural accuracy ${pct(accuracy)} on ${n} test images is near chance (${pct(chance)}): `
    result.warning =
      head +
      (await likelyCause(target, split, accuracy, chance, predictions, labels, classes, batchSize))
  }
  return result
}

async function predictSample(
  target: TargetModel,
  split: ImageSplit,
  n: number,
  batchSize: number
): Promise<{ predictions: Int32Array; probabilityRowsOff: number }> {
  const predictions = new Int32Array(n)
  let probabilityRowsOff = 0
  for (let start = 0; start < n; start += batchSize) {
    const { x, y } = batchTensors(
      split,
      range(Math.min(batchSize, n - start)).map((i) => start + i)
    )
    y.dispose()
    try {
      predictions.set(await target.predict(x), start)
      if (target.preprocessing.output === 'probabilities') {
        const scores = await target.scores(x)
        const k = target.outputClasses
        for (let i = 0; i < scores.length / k; i++) {
          let sum = 0
          for (let j = 0; j < k; j++) sum += scores[i * k + j]
          if (Math.abs(sum - 1) > 1e-3) probabilityRowsOff++
        }
      }
    } finally {
      x.dispose()
    }
  }
  return { predictions, probabilityRowsOff }
}

function accuracyOf(predictions: Int32Array, labels: Uint8Array): number {
  let correct = 0
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) correct++
  return predictions.length > 0 ? correct / predictions.length : 0
}

/** The usual input conventions, tried when the declared one gives chance accuracy. */
const RANGES: [number, number][] = [
  [0, 1],
  [0, 255],
  [-1, 1]
]

async function likelyCause(
  target: TargetModel,
  split: ImageSplit,
  accuracy: number,
  chance: number,
  predictions: Int32Array,
  labels: Uint8Array,
  classes: number,
  batchSize: number
): Promise<string> {
  const prep = target.preprocessing
  // 1. Another value range or dropping mean/std (the most common export mismatch).
  let best: { accuracy: number; text: string } | undefined
  for (const r of RANGES) {
    for (const normalize of prep.mean || prep.std ? [true, false] : [false]) {
      if (r[0] === prep.range[0] && r[1] === prep.range[1] && normalize) continue
      if (r[0] === prep.range[0] && r[1] === prep.range[1] && !prep.mean && !prep.std) continue
      const variant = {
        ...prep,
        range: r,
        mean: normalize ? prep.mean : undefined,
        std: normalize ? prep.std : undefined
      }
      const n = Math.min(100, predictions.length)
      const { predictions: p } = await predictSample(
        target.withPreprocessing(variant),
        split,
        n,
        batchSize
      )
      const a = accuracyOf(p, labels.subarray(0, n))
      const text = `range [${r.join(', ')}]${prep.mean || prep.std ? (normalize ? ' with the declared mean/std' : ' without mean/std') : ''}`
      if (!best || a > best.accuracy) best = { accuracy: a, text }
    }
  }
  if (best && best.accuracy >= Math.max(3 * chance, 2 * accuracy))
    return `with ${best.text} it is ${pct(best.accuracy)}, so preprocessing.range or mean/std is probably wrong.`
  // 2. Most images in one class: the inputs are off in a way the usual conventions do not fix.
  const counts = new Map<number, number>()
  for (const p of predictions) counts.set(p, (counts.get(p) ?? 0) + 1)
  const [top, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0]
  if (topCount >= 0.6 * predictions.length)
    return `it predicts class ${top} for ${pct(topCount / predictions.length)} of images, so the input values are probably off — check preprocessing.range, mean/std and layout.`
  // 3. A class permutation that fixes it: the model orders its classes differently.
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  predictions.forEach((p, i) => {
    if (p < classes) confusion[p][labels[i]]++
  })
  // Greedy matching on the confusion counts, largest first: always a permutation.
  const cells = confusion
    .flatMap((row, p) => row.map((count, k) => ({ p, k, count })))
    .sort((a, b) => b.count - a.count)
  const relabel = new Array<number>(classes).fill(-1)
  const taken = new Set<number>()
  for (const { p, k } of cells) {
    if (relabel[p] >= 0 || taken.has(k)) continue
    relabel[p] = k
    taken.add(k)
  }
  const mapped = accuracyOf(
    Int32Array.from(predictions, (p) => (p < classes ? relabel[p] : -1)),
    labels
  )
  if (mapped >= 3 * chance && mapped > 2 * accuracy) {
    const classMap = prep.classMap ? prep.classMap.map((k) => relabel[k]) : relabel
    return `the class order probably differs from the dataset's: with preprocessing.classMap ${JSON.stringify(classMap)} it would be ${pct(mapped)}.`
  }
  return 'check the preprocessing (value range, mean/std, layout, class order) and that the model was trained on this kind of data.'
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`
