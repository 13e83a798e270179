/**
 * RAP: Reverse Adversarial Perturbation (Qin et al., "Boosting the Transferability of Adversarial
 * Attacks with Reverse Adversarial Perturbation", NeurIPS 2022, https://arxiv.org/abs/2210.05968).
 *
 * From iteration K_LS on, an inner loop finds the nudge n (|n| ≤ ε_n) that most *reduces* the attack
 * loss at x, and the outer gradient is taken at x + n, steering x toward flat high-loss regions.
 * Paper setting (Gubri et al. 2023): T_in = 5, K_LS = 10, ε_n = 0.75·ε [inferred], α_n = ε_n/T_in
 * [inferred], random inner init. The inner loop uses the plain model layer (no DI, no SI); each
 * forward pass draws a new GN ghost. L2 mode steps along g/l2(g) and projects onto the ε_n ball.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../data/rng'
import { l2Norm } from '../norm-step'

export interface RapSettings {
  innerSteps: number
  epsN: number
  alphaN: number
  randomInit: boolean
}

/** Keeps x + n inside [0,1] by moving n. */
function clipToPixels(x: tf.Tensor4D, n: tf.Tensor4D): tf.Tensor4D {
  return tf.sub(tf.clipByValue(tf.add(x, n), 0, 1), x) as tf.Tensor4D
}

/**
 * The inner solve at x. `lossGradAt(z, step)` returns ∂L/∂z at z for inner step `step`; the result is
 * a constant (no gradient flows through it into the outer step).
 */
export function rapInner(
  x: tf.Tensor4D,
  settings: RapSettings,
  norm: 'linf' | 'l2',
  initRng: Rng,
  lossGradAt: (z: tf.Tensor4D, step: number) => tf.Tensor4D,
  onStep?: (n: tf.Tensor4D) => void
): tf.Tensor4D {
  let n: tf.Tensor4D = settings.randomInit
    ? (tf.randomUniform(
        x.shape,
        -settings.epsN,
        settings.epsN,
        'float32',
        initRng.seed()
      ) as tf.Tensor4D)
    : tf.zerosLike(x)
  if (norm === 'l2' && settings.randomInit) n = projectL2(n, settings.epsN)
  n = clipToPixels(x, n)
  for (let j = 0; j < settings.innerSteps; j++) {
    const g = lossGradAt(tf.add(x, n) as tf.Tensor4D, j)
    if (norm === 'linf') {
      n = tf.clipByValue(
        tf.sub(n, tf.mul(tf.sign(g), settings.alphaN)),
        -settings.epsN,
        settings.epsN
      ) as tf.Tensor4D
    } else {
      n = projectL2(
        tf.sub(n, tf.mul(tf.div(g, tf.maximum(l2Norm(g), 1e-12)), settings.alphaN)),
        settings.epsN
      )
    }
    n = clipToPixels(x, n)
    onStep?.(n)
  }
  return n
}

function projectL2(n: tf.Tensor4D, radius: number): tf.Tensor4D {
  return tf.mul(n, tf.minimum(1, tf.div(radius, tf.maximum(l2Norm(n), 1e-12)))) as tf.Tensor4D
}
