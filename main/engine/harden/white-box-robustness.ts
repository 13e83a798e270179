/**
 * White-box robustness of a stand-in: L∞ PGD with its own gradients (it is a tfjs model, so they
 * exist) on the first `examples` test images, and the share still classified correctly. With several
 * restarts an image counts as robust only if no restart fools it. The denominator is every image
 * evaluated (natural errors count as not robust), as robust accuracy is usually reported.
 */
import * as tf from '@tensorflow/tfjs-core'
import { batchTensors, type ImageSplit } from '../data/dataset'
import { Rng } from '../data/rng'
import { throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import type { LinfPgdOptions } from '../minimizers/linf-pgd'
import type { Classifier } from '../models/classifier'
import { predictTensor } from '../evaluation/predict'
import { pgdOnBatch } from './pgd-on-batch'

export interface WhiteBoxSettings extends LinfPgdOptions {
  restarts: number
  batchSize: number
}

export interface WhiteBoxResult {
  robustAccuracy: number
  robust: number
  examples: number
}

export async function whiteBoxRobustness(
  model: Classifier,
  split: ImageSplit,
  indices: number[],
  settings: WhiteBoxSettings,
  seed: number,
  options: { signal?: AbortSignal; onBatch?: (done: number, total: number) => void } = {}
): Promise<WhiteBoxResult> {
  const rng = new Rng(seed)
  let robust = 0
  for (let start = 0; start < indices.length; start += settings.batchSize) {
    throwIfCancelled(options.signal)
    const batch = indices.slice(start, start + settings.batchSize)
    const { x, y } = batchTensors(split, batch)
    const labels = await y.data()
    const held = new Array<boolean>(batch.length).fill(true)
    try {
      for (let r = 0; r < settings.restarts; r++) {
        const { adversarial, loss } = await pgdOnBatch(model, x, y, settings, rng.seed())
        const predicted = await predictTensor(model, adversarial)
        predicted.forEach((p, i) => (held[i] &&= p === labels[i]))
        tf.dispose([adversarial, loss])
      }
    } finally {
      tf.dispose([x, y])
    }
    robust += held.filter(Boolean).length
    options.onBatch?.(Math.min(start + settings.batchSize, indices.length), indices.length)
    await yieldToEventLoop()
  }
  return {
    robustAccuracy: indices.length ? robust / indices.length : 0,
    robust,
    examples: indices.length
  }
}
