/**
 * The Hessian sharpness metrics of the paper's Section 4 (training spec §8): top eigenvalue and
 * trace of the Hessian of the mean cross-entropy over a fixed sample (the paper: 1,000 training
 * images, no augmentation), the model in EVAL mode (running statistics, no updates) so the loss
 * is a deterministic function of w. HVPs are finite differences of gradients; every trainable
 * tensor is included (BN γ and β too). Weights are restored by copy and EVAL mode never writes
 * the BN buffers, so the model ends bitwise unchanged.
 *
 * Caution: finite differences see every ReLU kink crossed within ±h. On our small ReLU nets with
 * a 64–128 image sample, Hv at h = 1e-3 and h/2 disagree by ~100 % (at init, BN β = 0 even puts
 * whole dead patches exactly on kinks, so Hv grows as 1/h). Ask for `checkStep` and read
 * `stepCheck` before trusting the figures; a larger sample averages kinks out.
 */
import * as tf from '@tensorflow/tfjs-core'
import { batchTensors, type ImageSplit } from '../data/dataset'
import type { Rng } from '../data/rng'
import { throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import { disposeMaps, mapTensors, type TensorMap } from '../minimizers/tensor-map'
import type { Classifier } from '../models/classifier'
import { EVAL } from '../models/forward-context'
import { crossEntropy } from '../training/cross-entropy'
import {
  DEFAULT_FD_STEP,
  finiteDifferenceHvp,
  finiteDifferenceStepCheck,
  type HessianVectorProduct
} from './fd-hvp'
import { hessianTrace, type HutchinsonResult } from './hutchinson'
import { topEigenvalue, type PowerIterationResult } from './power-iteration'
import { normalDirection, shapesOf } from './random-direction'

export interface SharpnessOptions {
  /** The fixed sample (indices into `split`), same batches in the same order every time. */
  indices: number[]
  /** PyHessian's examples use 200. */
  batchSize?: number
  h?: number
  maxIter?: number
  tol?: number
  /** Fixed Hutchinson sample count (else the tol rule). */
  traceSamples?: number
  /** Also run the h vs h/2 self-check on one random direction (2 more HVPs). */
  checkStep?: boolean
  rng: Rng
  signal?: AbortSignal
}

export interface SharpnessResult {
  topEigenvalue: PowerIterationResult
  trace: HutchinsonResult
  /** Hessian-vector products spent (each costs two full-sample gradients). */
  hvps: number
  /** ‖Hv(h) − Hv(h/2)‖/‖Hv(h)‖ when `checkStep` was asked. */
  stepCheck?: number
}

/** ∇L_S(w) in EVAL mode: the batch-size-weighted mean of per-batch mean-CE gradients. */
export function sampleGradient(
  model: Classifier,
  split: ImageSplit,
  indices: number[],
  batchSize = 200,
  signal?: AbortSignal
): () => Promise<TensorMap> {
  if (indices.length === 0)
    throw new Error('Error in sampleGradient: the sharpness sample is empty')
  return async () => {
    const trainable = model.params.trainable
    let sum: TensorMap | undefined
    for (let start = 0; start < indices.length; start += batchSize) {
      throwIfCancelled(signal)
      const batch = indices.slice(start, start + batchSize)
      const weight = batch.length / indices.length
      const grads = tf.tidy(() => {
        const { x, y } = batchTensors(split, batch)
        const { grads } = tf.variableGrads(
          () => crossEntropy(model.forward(x, EVAL), y),
          [...trainable.values()]
        )
        return grads
      })
      const scaled: TensorMap = new Map()
      for (const [name, v] of trainable)
        scaled.set(
          name,
          tf.tidy(() => tf.mul(grads[v.name], weight))
        )
      tf.dispose(Object.values(grads))
      if (!sum) sum = scaled
      else {
        const previous: TensorMap = sum
        sum = mapTensors(previous, (t, name) => tf.add(t, scaled.get(name)!))
        disposeMaps(previous, scaled)
      }
      await yieldToEventLoop()
    }
    return sum!
  }
}

export async function measureSharpness(
  model: Classifier,
  split: ImageSplit,
  o: SharpnessOptions
): Promise<SharpnessResult> {
  const weights = model.params.trainable
  const gradient = sampleGradient(model, split, o.indices, o.batchSize, o.signal)
  let hvps = 0
  const hvp: HessianVectorProduct = (v) => {
    hvps++
    return finiteDifferenceHvp(weights, gradient, v, o.h ?? DEFAULT_FD_STEP)
  }
  const shapes = shapesOf(weights)
  const top = await topEigenvalue(hvp, shapes, {
    maxIter: o.maxIter,
    tol: o.tol,
    rng: o.rng.fork('power')
  })
  const trace = await hessianTrace(hvp, shapes, {
    maxIter: o.maxIter,
    tol: o.tol,
    samples: o.traceSamples,
    rng: o.rng.fork('hutchinson')
  })
  let stepCheck: number | undefined
  if (o.checkStep) {
    const v = normalDirection(shapes, o.rng.fork('step-check'))
    try {
      stepCheck = await finiteDifferenceStepCheck(weights, gradient, v, o.h ?? DEFAULT_FD_STEP)
      hvps += 2
    } finally {
      disposeMaps(v)
    }
  }
  return { topEigenvalue: top, trace, hvps, ...(stepCheck === undefined ? {} : { stepCheck }) }
}
