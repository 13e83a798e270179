/**
 * In-memory image datasets: uint8 pixels (NHWC) and uint8 labels, as the idx files store them.
 *
 * Pixels become float32 in [0,1] only per batch (`batchTensors`), so a dataset costs one byte per
 * pixel in memory. Attacks and models always work in [0,1] pixel space.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface ImageSplit {
  /** count × height × width × channels bytes, NHWC order. */
  images: Uint8Array
  labels: Uint8Array
  count: number
  height: number
  width: number
  channels: number
}

export interface ImageDataset {
  name: string
  classNames: string[]
  train: ImageSplit
  test: ImageSplit
  /** Training images held out for early stopping (dataset.validationSize), never trained on. */
  validation?: ImageSplit
  /** Whether a horizontal flip keeps the label (fashion items: yes; digits: no). */
  flipPreservesLabel: boolean
}

/** The first `limit` images of a split (0 = all). */
export function limitSplit(split: ImageSplit, limit: number): ImageSplit {
  if (limit <= 0 || limit >= split.count) return split
  const size = split.height * split.width * split.channels
  return {
    ...split,
    count: limit,
    images: split.images.subarray(0, limit * size),
    labels: split.labels.subarray(0, limit)
  }
}

/** Float32 [0,1] NHWC images and int32 labels for the given example indices. */
export function batchTensors(
  split: ImageSplit,
  indices: ArrayLike<number>
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = split.height * split.width * split.channels
  const pixels = new Float32Array(indices.length * size)
  const labels = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]
    const src = split.images.subarray(k * size, (k + 1) * size)
    for (let p = 0; p < size; p++) pixels[i * size + p] = src[p] / 255
    labels[i] = split.labels[k]
  }
  return {
    x: tf.tensor4d(pixels, [indices.length, split.height, split.width, split.channels]),
    y: tf.tensor1d(labels, 'int32')
  }
}

/** Indices 0..n-1. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
