/**
 * VT: Variance Tuning (Wang & He, "Enhancing the Transferability of Adversarial Attacks through
 * Variance Tuning", CVPR 2021, https://arxiv.org/abs/2103.15571).
 *
 * The next gradient is corrected by v = mean_i G(x_t + r_i) − ĝ_t, the gap between the average oracle
 * gradient around the current iterate and the gradient used for the step. r_i ~ U[−βε, βε]^d per
 * element (L2 mode: uniform in the L2 ball of radius βε). Neighbours are centred on x_t, not on NI's
 * look-ahead, and are not clipped (spec §5.3). Defaults N = 20, β = 1.5, μ = 0 for the isolated row
 * (VMI/VNI use μ = 1). N = 0 gives v ≡ 0, i.e. MI with the same μ.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../data/rng'
import { CarriedTensor, type Estimator, type EstimatorContext } from './estimator'

/** One neighbour offset r_i, drawn from `rng`. */
export function neighbourNoise(
  shape: [number, number, number, number],
  radius: number,
  norm: 'linf' | 'l2',
  rng: Rng
): tf.Tensor4D {
  if (norm === 'linf')
    return tf.randomUniform(shape, -radius, radius, 'float32', rng.seed()) as tf.Tensor4D
  return uniformInL2Ball(shape, radius, rng)
}

/** Uniform draws in the per-example L2 ball: a Gaussian direction times radius·u^(1/d). */
export function uniformInL2Ball(
  shape: [number, number, number, number],
  radius: number,
  rng: Rng
): tf.Tensor4D {
  return tf.tidy(() => {
    const d = shape[1] * shape[2] * shape[3]
    const direction = tf.randomNormal(shape, 0, 1, 'float32', rng.seed())
    const norms = tf.maximum(tf.sqrt(tf.sum(tf.square(direction), [1, 2, 3], true)), 1e-12)
    const u = tf.randomUniform([shape[0], 1, 1, 1], 0, 1, 'float32', rng.seed())
    return tf.mul(tf.div(direction, norms), tf.mul(tf.pow(u, 1 / d), radius)) as tf.Tensor4D
  })
}

/** v = mean_i G(x + r_i) − ĝ. `oracleAt(z, i)` is the full oracle (SI, DI) for neighbour call i (1-based). */
export function varianceOf(
  x: tf.Tensor4D,
  mainGradient: tf.Tensor4D,
  config: { samples: number; beta: number },
  eps: number,
  norm: 'linf' | 'l2',
  noiseRng: (i: number) => Rng,
  oracleAt: (z: tf.Tensor4D, call: number) => tf.Tensor4D
): tf.Tensor4D {
  if (config.samples === 0) return tf.zerosLike(x)
  let sum: tf.Tensor4D | undefined
  for (let i = 1; i <= config.samples; i++) {
    const g = oracleAt(tf.add(x, neighbourNoise(x.shape, config.beta * eps, norm, noiseRng(i))), i)
    sum = sum ? (tf.add(sum, g) as tf.Tensor4D) : g
  }
  return tf.sub(tf.div(sum as tf.Tensor4D, config.samples), mainGradient)
}

/**
 * VT as the estimator of the loop: returns ĝ + v (v from the previous iteration, 0 at first) and sets
 * the next v = mean_i G(x + r_i) − ĝ from the unfiltered main-call gradient.
 */
export function varianceTuningEstimator(
  config: { samples: number; beta: number },
  ctx: EstimatorContext
): Estimator {
  const v = new CarriedTensor()
  return {
    estimate(f, x, point, t) {
      const gHat = ctx.oracle(f, point, t, 0)
      const tuned = tf.add(
        gHat,
        v.get(() => tf.zerosLike(x))
      ) as tf.Tensor4D
      v.set(
        varianceOf(
          x,
          gHat,
          config,
          ctx.eps,
          ctx.norm,
          (i) => ctx.rng.at('vt', t, i),
          (z, call) => ctx.oracle(f, z, t, call)
        )
      )
      return tuned
    },
    commit: () => v.commit(),
    dispose: () => v.dispose()
  }
}
