/**
 * The gradient oracle G(f, z) of the attack loop (spec attacks.md §2.3, attacks-more.md §1.1): the
 * input gradient of the attack loss averaged over the copies of the generator slot (SI's z/2^k,
 * Admix, SIA or BSR), each passed through its own DI draw. The derivative is taken with respect to z,
 * so it includes each copy's own Jacobian (SI's 2^−k, a block permutation, DI's resize).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AttackRng } from './attack-rng'
import { diverseInputs } from './input-transformation/diverse-inputs'
import { scaleCopy } from './input-transformation/scale-invariance'

/** What one forward pass of the active model gives the objective. */
export interface ModelOutput {
  logits: tf.Tensor2D
  /** The tapped intermediate layer's output (FIA), when the run taps one. */
  feature?: tf.Tensor
  /** Loss fusion of an ensemble: each member's logits and weight; the objective sums w_k·ℓ_k. */
  parts?: { logits: tf.Tensor2D; weight: number }[]
}

/** The model of one iteration for one forward pass; `passKey` keys its GN draws. */
export type PassFn = (x: tf.Tensor4D, passKey: string) => ModelOutput

/** The copy generator slot: `count` copies of z per oracle call; copy k may draw from keyed streams. */
export interface CopyGenerator {
  count: number
  copy(z: tf.Tensor4D, k: number, t: number, call: number): tf.Tensor4D
}

export interface OracleSettings {
  si?: { copies: number }
  di?: { resizeRate: number; prob: number }
  /** Replaces SI's generator (Admix, SIA, BSR). */
  generator?: CopyGenerator
}

const scaleCopies = (copies: number): CopyGenerator => ({
  count: copies,
  copy: (z, k) => scaleCopy(z, k)
})

/** G(f, z) at iteration t for oracle call `call` (0 = main call, then estimator or VT samples). */
export function gradientOracle<O>(
  f: (x: tf.Tensor4D, passKey: string) => O,
  lossOf: (out: O) => tf.Scalar,
  z: tf.Tensor4D,
  settings: OracleSettings,
  rng: AttackRng,
  t: number,
  call: number
): tf.Tensor4D {
  const generator = settings.generator ?? scaleCopies(settings.si ? settings.si.copies : 1)
  const copies = generator.count
  const total = (zv: tf.Tensor): tf.Scalar => {
    let sum: tf.Scalar | undefined
    for (let k = 0; k < copies; k++) {
      const copy = generator.copy(zv as tf.Tensor4D, k, t, call)
      const u = settings.di ? diverseInputs(copy, settings.di, rng.at('di', t, call, k)) : copy
      const loss = lossOf(f(u, `o${call}c${k}`))
      sum = sum ? (tf.add(sum, loss) as tf.Scalar) : loss
    }
    return sum as tf.Scalar
  }
  const g = tf.grad(total)(z) as tf.Tensor4D
  // The mean over copies; one copy is left untouched so the plain oracle is BIM's gradient bitwise.
  return copies > 1 ? tf.div(g, copies) : g
}
