/**
 * What input-space minimizers (SAT) need beyond weight gradients: the batch, per-example losses
 * and input gradients in EVAL mode (running statistics, no updates; spec §6), and a way to train
 * the iteration's `update` pass on other inputs. Each `inputGradient` call is one
 * forward-backward pass and is counted as such (spec §6: cost S + 1).
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { GradientOracle } from './gradient-oracle'

export interface InputGradientOracle extends GradientOracle {
  /** The augmented clean batch in [0,1] pixels, and its labels. */
  readonly inputs: tf.Tensor4D
  readonly labels: tf.Tensor1D
  /** Per-example cross-entropy at `x` and its gradient w.r.t. `x` (EVAL mode). Caller disposes both. */
  inputGradient(x: tf.Tensor4D): Promise<{ loss: tf.Tensor1D; grad: tf.Tensor4D }>
  /** Per-example cross-entropy at `x`, forward only (EVAL mode, not counted as a pass). */
  inputLoss(x: tf.Tensor4D): tf.Tensor1D
  /** Later passes of this iteration run on `x` (the caller keeps ownership). */
  useInputs(x: tf.Tensor4D): void
}

export function isInputGradientOracle(oracle: GradientOracle): oracle is InputGradientOracle {
  return 'inputGradient' in oracle && 'useInputs' in oracle
}
