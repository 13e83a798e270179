/** Batched inference in eval mode (running BN statistics): predicted class per image. */
import * as tf from '@tensorflow/tfjs-core'
import { batchTensors, type ImageSplit } from '../data/dataset'
import type { Classifier } from '../models/classifier'
import { EVAL } from '../models/forward-context'
import type { TargetModel } from '../targets/target-model'

/** Anything evaluation can ask for labels: a trained classifier or an imported in-house target. */
export type LabelModel = Classifier | TargetModel

export const PREDICT_BATCH = 250

/** Predicted labels for the given images tensor [N,H,W,C] in [0,1]. */
export async function predictTensor(model: Classifier, x: tf.Tensor4D): Promise<Int32Array> {
  const out = new Int32Array(x.shape[0])
  for (let start = 0; start < x.shape[0]; start += PREDICT_BATCH) {
    const size = Math.min(PREDICT_BATCH, x.shape[0] - start)
    const pred = tf.tidy(() => tf.argMax(model.forward(tf.slice(x, start, size), EVAL), 1))
    out.set(await pred.data(), start)
    pred.dispose()
  }
  return out
}

/** Predicted labels for a [0,1] NHWC batch, from a trained classifier or an imported target (a black box). */
export async function predictLabels(model: LabelModel, x: tf.Tensor4D): Promise<Int32Array> {
  if ('forward' in model) return predictTensor(model, x)
  const out = new Int32Array(x.shape[0])
  for (let start = 0; start < x.shape[0]; start += PREDICT_BATCH) {
    const size = Math.min(PREDICT_BATCH, x.shape[0] - start)
    const part = size === x.shape[0] ? x : tf.slice(x, start, size)
    try {
      out.set(await model.predict(part), start)
    } finally {
      if (part !== x) part.dispose()
    }
  }
  return out
}

/** Predicted labels for examples `indices` of a split. */
export async function predictSplit(
  model: LabelModel,
  split: ImageSplit,
  indices: number[]
): Promise<Int32Array> {
  const out = new Int32Array(indices.length)
  for (let start = 0; start < indices.length; start += PREDICT_BATCH) {
    const { x, y } = batchTensors(split, indices.slice(start, start + PREDICT_BATCH))
    out.set(await predictLabels(model, x), start)
    x.dispose()
    y.dispose()
  }
  return out
}

/** Fraction of `predictions` equal to the split's labels at `indices`. */
export function accuracyOf(predictions: Int32Array, split: ImageSplit, indices: number[]): number {
  let correct = 0
  for (let i = 0; i < indices.length; i++)
    if (predictions[i] === split.labels[indices[i]]) correct++
  return indices.length ? correct / indices.length : 0
}
