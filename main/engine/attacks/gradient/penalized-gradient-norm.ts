/**
 * PGN: Penalizing Gradient Norm (Ge et al., "Boosting Adversarial Transferability by Achieving Flat
 * Local Maxima", NeurIPS 2023, https://arxiv.org/abs/2306.05225).
 *
 * Flat maxima transfer better; PGN approximates the gradient of the gradient-norm penalty without
 * second derivatives. For each of N random neighbours x′ = x_t + ξ, ξ ~ U[−ζε, ζε]^d, it takes one
 * descent step x* = x′ − α·g′/meanAbs(g′) and mixes the two gradients:
 *
 *   ḡ = (1/N) Σ_i [(1 − δ)·G(x′_i) + δ·G(x*_i)]
 *
 * then the loop's momentum (PGN's own μ) and sign step; x′ and x* are not clipped. Defaults (paper
 * release): N = 20, δ = 0.5, ζ = 3 (ε units), μ = 1.0. The step is normalised by meanAbs as in the
 * release (an L1 or L2 norm would make it a negligible probe; docs/techniques.md).
 */
import * as tf from '@tensorflow/tfjs-core'
import { meanAbs } from './momentum'
import { meanOfSamples, type Estimator, type EstimatorContext } from './estimator'

export interface PgnSettings {
  samples: number
  delta: number
  /** ζ in ε units. */
  zeta: number
}

/** The descent step x* = x′ − α·g′/meanAbs(g′). */
export function pgnDescentPoint(
  xPrime: tf.Tensor4D,
  gPrime: tf.Tensor4D,
  alpha: number
): tf.Tensor4D {
  return tf.sub(
    xPrime,
    tf.mul(tf.div(gPrime, tf.maximum(meanAbs(gPrime), 1e-12)), alpha)
  ) as tf.Tensor4D
}

export function penalizedGradientNormEstimator(
  settings: PgnSettings,
  ctx: EstimatorContext
): Estimator {
  const radius = settings.zeta * ctx.eps
  return {
    estimate(f, x, _point, t) {
      return meanOfSamples(settings.samples, (i) => {
        const xPrime = tf.add(
          x,
          tf.randomUniform(x.shape, -radius, radius, 'float32', ctx.rng.at('pgn', t, i).seed())
        ) as tf.Tensor4D
        const gPrime = ctx.oracle(f, xPrime, t, 2 * i)
        const gStar = ctx.oracle(f, pgnDescentPoint(xPrime, gPrime, ctx.alpha), t, 2 * i + 1)
        return tf.add(
          tf.mul(gPrime, 1 - settings.delta),
          tf.mul(gStar, settings.delta)
        ) as tf.Tensor4D
      })
    },
    commit: () => undefined,
    dispose: () => undefined
  }
}
