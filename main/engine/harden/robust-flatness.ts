/**
 * Flatness of the robust loss in weight space (Stutz, Hein & Schiele, ICCV 2021, §4).
 *
 * Robust loss: mean cross-entropy on L∞ PGD examples (uniform random start, signed steps), always
 * recomputed on the weights being measured. With w the trained weights and ν a layer-wise relative
 * perturbation (layer-perturbation.ts):
 *   average-case = mean over `samples` random ν on the spheres ‖ν_l‖ = ξ·‖w_l‖ of RLoss(w + ν) − RLoss(w)
 *   worst-case   = max over `restarts` of RLoss(w + ν*) − RLoss(w), where ν* comes from `steps` joint
 *                  ascent steps on the inputs (sign steps) and the weights (steps of `weightStepSize`
 *                  along each layer's gradient rescaled to ‖w_l‖, projected onto ‖ν_l‖ ≤ ξ·‖w_l‖),
 *                  started from a random ν of norm uniform in [0, ξ·‖w_l‖] and a random input start.
 * As in the paper's experiments, ν* is searched on one batch (the first `batchSize` images here) and
 * the robust loss at w + ν* is then measured on every image. Paper defaults: ξ 0.5 with 10 samples,
 * ξ 0.003 with 20 steps of 0.01 and 10 restarts, PGD-20 of step 0.007 at ε 8/255, 1,000 test images.
 * Lower is flatter. The weights are restored exactly (by copy) before returning, also on error.
 */
import * as tf from '@tensorflow/tfjs-core'
import { batchTensors, type ImageSplit } from '../data/dataset'
import { Rng } from '../data/rng'
import { throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import type { LinfPgdOptions } from '../minimizers/linf-pgd'
import { assignAll, disposeMaps, snapshot, type TensorMap } from '../minimizers/tensor-map'
import { linfStep } from '../attacks/norm-step'
import type { Classifier } from '../models/classifier'
import { EVAL } from '../models/forward-context'
import { crossEntropySum } from '../training/cross-entropy'
import {
  perturbedWeights,
  projectRelative,
  randomRelativePerturbation,
  relativeDirection
} from './layer-perturbation'
import { pgdOnBatch } from './pgd-on-batch'

export interface FlatnessSettings {
  pgd: LinfPgdOptions
  batchSize: number
  average: { xi: number; samples: number }
  worst: { xi: number; steps: number; weightStepSize: number; restarts: number }
}

export interface FlatnessResult {
  /** RLoss(w): robust loss of the trained weights. */
  robustLoss: number
  averageCase: number
  worstCase: number
  examples: number
}

export interface FlatnessOptions {
  signal?: AbortSignal
  /** Fraction of the measurement done, after each robust-loss evaluation. */
  onProgress?: (value: number, detail: string) => void
}

export async function measureRobustFlatness(
  model: Classifier,
  split: ImageSplit,
  indices: number[],
  settings: FlatnessSettings,
  seed: number,
  options: FlatnessOptions = {}
): Promise<FlatnessResult> {
  const rng = new Rng(seed)
  const weights = perturbedWeights(model.params.trainable)
  const original = snapshot(weights)
  const evaluations = 1 + settings.average.samples + settings.worst.restarts
  let done = 0
  const progress = (what: string): void => options.onProgress?.(++done / evaluations, what)
  try {
    const reference = await robustLoss(
      model,
      split,
      indices,
      settings,
      rng.fork('reference'),
      options.signal
    )
    progress('robust loss')
    let averageSum = 0
    const averageRng = rng.fork('average')
    for (let s = 0; s < settings.average.samples; s++) {
      const nu = randomRelativePerturbation(original, settings.average.xi, averageRng, true)
      applyPerturbation(weights, original, nu)
      disposeMaps(nu)
      averageSum += await robustLoss(
        model,
        split,
        indices,
        settings,
        averageRng.fork(`pgd-${s}`),
        options.signal
      )
      assignAll(weights, original)
      progress(`average-case ${s + 1}/${settings.average.samples}`)
    }
    let worst = -Infinity
    const worstRng = rng.fork('worst')
    for (let r = 0; r < settings.worst.restarts; r++) {
      await worstCasePerturbation(
        model,
        split,
        indices.slice(0, settings.batchSize),
        weights,
        original,
        settings,
        worstRng,
        options.signal
      )
      worst = Math.max(
        worst,
        await robustLoss(model, split, indices, settings, worstRng.fork(`pgd-${r}`), options.signal)
      )
      assignAll(weights, original)
      progress(`worst-case ${r + 1}/${settings.worst.restarts}`)
    }
    return {
      robustLoss: reference,
      averageCase: averageSum / settings.average.samples - reference,
      worstCase: worst - reference,
      examples: indices.length
    }
  } finally {
    assignAll(weights, original)
    disposeMaps(original)
  }
}

/** Mean robust loss over `indices` at the model's current weights, PGD recomputed on them. */
async function robustLoss(
  model: Classifier,
  split: ImageSplit,
  indices: number[],
  settings: FlatnessSettings,
  rng: Rng,
  signal?: AbortSignal
): Promise<number> {
  let sum = 0
  for (let start = 0; start < indices.length; start += settings.batchSize) {
    throwIfCancelled(signal)
    const { x, y } = batchTensors(split, indices.slice(start, start + settings.batchSize))
    const { adversarial, loss } = await pgdOnBatch(model, x, y, settings.pgd, rng.seed())
    const total = tf.sum(loss)
    sum += (await total.data())[0]
    tf.dispose([x, y, adversarial, loss, total])
    await yieldToEventLoop()
  }
  return sum / indices.length
}

/** w ← w0 + ν on every perturbed tensor. */
function applyPerturbation(
  weights: Map<string, tf.Variable>,
  original: TensorMap,
  nu: TensorMap
): void {
  for (const [name, v] of weights)
    tf.tidy(() => v.assign(tf.add(original.get(name)!, nu.get(name)!)))
}

/** Leaves the model at w0 + ν* after the joint input/weight ascent on one batch. */
async function worstCasePerturbation(
  model: Classifier,
  split: ImageSplit,
  batch: number[],
  weights: Map<string, tf.Variable>,
  original: TensorMap,
  settings: FlatnessSettings,
  rng: Rng,
  signal?: AbortSignal
): Promise<void> {
  const { xi, steps, weightStepSize } = settings.worst
  const { eps, stepSize } = settings.pgd
  let nu = randomRelativePerturbation(original, xi, rng, false)
  const { x: x0, y } = batchTensors(split, batch)
  const [lo, hi] = tf.tidy(() => [
    tf.maximum(tf.sub(x0, eps), 0) as tf.Tensor4D,
    tf.minimum(tf.add(x0, eps), 1) as tf.Tensor4D
  ])
  const start = rng.seed()
  // tf.variable shares the initial tensor's data; a tidy frees the initial tensor object itself.
  const input = tf.tidy(() =>
    tf.variable(
      tf.minimum(
        tf.maximum(tf.add(x0, tf.randomUniform(x0.shape, -eps, eps, 'float32', start)), lo),
        hi
      ),
      true,
      `flatness-input-${Math.random().toString(36).slice(2)}`
    )
  )
  try {
    for (let t = 0; t < steps; t++) {
      throwIfCancelled(signal)
      applyPerturbation(weights, original, nu)
      const variables = [input, ...weights.values()]
      const grads = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => crossEntropySum(model.forward(input as unknown as tf.Tensor4D, EVAL), y),
          variables
        )
        value.dispose()
        return grads
      })
      tf.tidy(() =>
        input.assign(
          linfStep(
            input as unknown as tf.Tensor4D,
            grads[input.name] as tf.Tensor4D,
            stepSize,
            lo,
            hi
          )
        )
      )
      const next: TensorMap = new Map()
      for (const [name, v] of weights) {
        const w0 = original.get(name)!
        next.set(
          name,
          tf.tidy(() =>
            projectRelative(
              tf.add(nu.get(name)!, tf.mul(relativeDirection(grads[v.name], w0), weightStepSize)),
              w0,
              xi
            )
          )
        )
      }
      tf.dispose(Object.values(grads))
      disposeMaps(nu)
      nu = next
      await yieldToEventLoop()
    }
    applyPerturbation(weights, original, nu)
  } finally {
    disposeMaps(nu)
    tf.dispose([x0, y, lo, hi, input])
  }
}
