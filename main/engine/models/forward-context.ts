/**
 * How one forward pass should behave.
 *
 * `training` selects batch statistics in batch norm; `statUpdates`, when given, collects the
 * running-statistic updates of that pass so the trainer applies them after the gradient step
 * (leaving it out is the spec's TRAIN-NOUPDATE mode, e.g. the SAM ascent pass).
 * `transformSkip` lets attacks reach residual shortcuts (GN scales them, SGM rescales their gradient).
 */
import type * as tf from '@tensorflow/tfjs-core'

export interface StatUpdate {
  mean: tf.Variable
  variance: tf.Variable
  batchMean: tf.Tensor
  /**
   * Batch variance; times `varianceScale` when that is given, the unbiased one PyTorch feeds its
   * running average.
   */
  batchVariance: tf.Tensor
  /**
   * n/(n−1), applied where the update is (inside the running-average launch, apply-stat-updates.ts)
   * instead of as a multiply launch per layer and step.
   */
  varianceScale?: number
}

export interface ForwardContext {
  training: boolean
  statUpdates?: StatUpdate[]
  transformSkip?: (blockName: string, shortcut: tf.Tensor4D) => tf.Tensor4D
  /**
   * Lets attacks reach a block's residual branch F(x) before the addition (SGM scales its gradient);
   * `identityShortcut` is false for projection-shortcut blocks, which SGM leaves alone.
   */
  transformResidual?: (
    blockName: string,
    residual: tf.Tensor4D,
    identityShortcut: boolean
  ) => tf.Tensor4D
  /**
   * Lets attacks read (ILA, FIA) or differentiate at a named intermediate layer: called with each layer
   * the model lists in `Classifier.featureLayers`, it returns the tensor the forward pass continues with.
   */
  tapFeature?: (layer: string, h: tf.Tensor) => tf.Tensor
}

/** The tensor a forward pass continues with after layer `name`: `h` itself unless an attack taps it. */
export function tapFeature<T extends tf.Tensor>(ctx: ForwardContext, name: string, h: T): T {
  return ctx.tapFeature ? (ctx.tapFeature(name, h) as T) : h
}

export const EVAL: ForwardContext = { training: false }
