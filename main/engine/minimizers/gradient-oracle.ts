/**
 * What a minimizer asks of the training loop: the loss gradient at the current weights, on one
 * mini-batch that stays fixed for the whole iteration (augmented once; spec §1.3).
 *
 * The two modes are the batch-norm modes of spec §1.2: `update` is pass 1 (TRAIN+UPDATE: running
 * statistics move, its loss is the one logged); `probe` is every later pass at perturbed weights
 * (TRAIN-NOUPDATE: batch statistics, running statistics untouched). Each call is one
 * forward-backward pass, the cost unit of spec §1.5, and the oracle counts it. The caller owns
 * and disposes the returned gradients. Tests implement this on plain variables (quadratics).
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { TensorMap } from './tensor-map'

export type PassMode = 'update' | 'probe'

export interface GradientOracle {
  /** The trainable weights `w`, by name; minimizers perturb and restore them in place. */
  readonly weights: Map<string, tf.Variable>
  gradient(mode: PassMode): Promise<TensorMap>
}
