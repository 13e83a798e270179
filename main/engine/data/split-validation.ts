/**
 * Validation split of early stopping (training spec §3): `size` training images held out, drawn per
 * class in proportion to the class counts (largest remainder) with a seeded RNG, so the validation
 * images are never trained on, never test images, and the same seed draws the same split.
 */
import type { ImageSplit } from './dataset'
import { Rng } from './rng'

export interface TrainValidationSplit {
  train: ImageSplit
  validation: ImageSplit
}

/** Splits `split` into the images kept for training and `size` class-stratified validation images. */
export function splitValidation(
  split: ImageSplit,
  size: number,
  seed: number
): TrainValidationSplit {
  if (!Number.isInteger(size) || size <= 0)
    throw new Error(`dataset.validationSize must be a positive integer to split (got ${size})`)
  if (size >= split.count)
    throw new Error(
      `dataset.validationSize (${size}) must be smaller than the training images (${split.count} after dataset.trainLimit): lower validationSize or raise trainLimit`
    )
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i]
    const members = byClass.get(label)
    if (members) members.push(i)
    else byClass.set(label, [i])
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b)
  const quota = stratifiedQuota(
    classes.map((c) => byClass.get(c)!.length),
    size
  )
  const rng = new Rng(seed).fork('validation-split')
  const chosen = new Uint8Array(split.count)
  classes.forEach((c, k) => {
    // One fork per class: a class's draw does not depend on how large the other classes are.
    const members = rng.fork(`class-${c}`).shuffle([...byClass.get(c)!])
    for (const i of members.slice(0, quota[k])) chosen[i] = 1
  })
  const validationIndices: number[] = []
  const trainIndices: number[] = []
  for (let i = 0; i < split.count; i++) (chosen[i] ? validationIndices : trainIndices).push(i)
  return {
    train: selectImages(split, trainIndices),
    validation: selectImages(split, validationIndices)
  }
}

/** Per-class counts summing to `size`, proportional to `counts` (largest remainder, ties to the lower class). */
export function stratifiedQuota(counts: number[], size: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0)
  const exact = counts.map((n) => (n * size) / total)
  const quota = exact.map(Math.floor)
  let left = size - quota.reduce((a, b) => a + b, 0)
  const order = exact
    .map((x, k) => ({ k, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.k - b.k)
  for (const { k } of order) {
    if (left === 0) break
    if (quota[k] < counts[k]) {
      quota[k]++
      left--
    }
  }
  return quota
}

/** A copy of the given images of a split, in the given order. */
export function selectImages(split: ImageSplit, indices: number[]): ImageSplit {
  const size = split.height * split.width * split.channels
  const images = new Uint8Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  indices.forEach((k, i) => {
    images.set(split.images.subarray(k * size, (k + 1) * size), i * size)
    labels[i] = split.labels[k]
  })
  return { ...split, images, labels, count: indices.length }
}
