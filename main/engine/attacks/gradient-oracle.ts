/**
 * The gradient oracle G(f, z) of the attack loop (spec §2.3): the input gradient of the attack loss
 * averaged over SI copies z/2^k, each passed through its own DI draw. The derivative is taken with
 * respect to z, so it includes each copy's 2^−k factor and the resize Jacobian.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AttackRng } from './attack-rng'
import { diverseInputs } from './input-transformation/diverse-inputs'
import { scaleCopy } from './input-transformation/scale-invariance'

/** Logits of the model of one iteration for one forward pass; `passKey` keys its GN draws. */
export type PassFn = (x: tf.Tensor4D, passKey: string) => tf.Tensor2D

export interface OracleSettings {
  si?: { copies: number }
  di?: { resizeRate: number; prob: number }
}

/** G(f, z) at iteration t for oracle call `call` (0 = main call, 1 … N = VT neighbours). */
export function gradientOracle(
  f: PassFn,
  lossOf: (logits: tf.Tensor2D) => tf.Scalar,
  z: tf.Tensor4D,
  settings: OracleSettings,
  rng: AttackRng,
  t: number,
  call: number
): tf.Tensor4D {
  const copies = settings.si ? settings.si.copies : 1
  const total = (zv: tf.Tensor): tf.Scalar => {
    let sum: tf.Scalar | undefined
    for (let k = 0; k < copies; k++) {
      const copy = scaleCopy(zv as tf.Tensor4D, k)
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
