/**
 * What a loop owner (SVRE, CWA) gets from the attack loop: the model layer, the oracle (copies, DI and
 * the objective included), the box and the budget. A loop owner replaces the whole iteration after
 * the model layer (spec attacks-more.md §1.2).
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { AttackRng } from './attack-rng'
import type { PassFn } from './gradient-oracle'
import type { ModelLayer } from './model-layer'

export interface LoopContext {
  layer: ModelLayer
  /** Members of the ensemble the owner iterates over. */
  memberCount: number
  oracle(f: PassFn, z: tf.Tensor4D, t: number, call: number): tf.Tensor4D
  rng: AttackRng
  x0: tf.Tensor4D
  lo: tf.Tensor4D
  hi: tf.Tensor4D
  eps: number
  alpha: number
  steps: number
  /** TI's gradient filter, when the stack has TI. */
  filter?: (g: tf.Tensor4D) => tf.Tensor4D
  onIteration?: (t: number, x: tf.Tensor4D) => void
}
