/**
 * GRA: Gradient Relevance Attack (Zhu et al., "Boosting Adversarial Transferability via Gradient
 * Relevance Attack", ICCV 2023).
 *
 * The current gradient and the mean gradient of N neighbours are blended by their cosine similarity,
 * and a per-pixel decay indicator shrinks the step of pixels whose momentum sign flips:
 *
 *   ĝ_c = G(x_t),  ḡ = (1/N) Σ_i G(x_t + r_i), r_i ~ U[−βε, βε]^d,  s = cos(ĝ_c, ḡ) per example
 *   ĝ = s·ĝ_c + (1 − s)·ḡ;  after the momentum update: M ← M ⊙ (η where sign(m_old) ≠ 0 and
 *   sign(m_new) ≠ sign(m_old), else 1), M_0 = 1;  x_{t+1} = clampBox(x_t + α·M ⊙ sign(m_new))
 *
 * Defaults (paper release): N = 20, β = 3.5 (ε units), η = 0.94, μ = 1.0. M_0 = 1 (not the release's
 * 1/η), so η = 1 keeps M exactly 1.
 */
import * as tf from '@tensorflow/tfjs-core'
import { CarriedTensor, meanOfSamples, type Estimator, type EstimatorContext } from './estimator'

export interface GraSettings {
  samples: number
  /** β in ε units. */
  beta: number
  eta: number
}

/** Per-example cosine similarity over [1,2,3], shape [B,1,1,1]. */
export function cosineSimilarity(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  const dot = tf.sum(tf.mul(a, b), [1, 2, 3], true)
  const norms = tf.mul(
    tf.sqrt(tf.sum(tf.square(a), [1, 2, 3], true)),
    tf.sqrt(tf.sum(tf.square(b), [1, 2, 3], true))
  )
  return tf.div(dot, tf.add(norms, 1e-12)) as tf.Tensor4D
}

/** M ⊙ (η where the momentum sign flipped away from a non-zero sign, else 1). */
export function decayOnFlips(
  scale: tf.Tensor4D,
  before: tf.Tensor4D,
  after: tf.Tensor4D,
  eta: number
): tf.Tensor4D {
  const old = tf.sign(before)
  const flipped = tf.logicalAnd(tf.notEqual(old, 0), tf.notEqual(tf.sign(after), old))
  return tf.mul(
    scale,
    tf.where(flipped, tf.fill(scale.shape, eta), tf.onesLike(scale))
  ) as tf.Tensor4D
}

export function gradientRelevanceEstimator(
  settings: GraSettings,
  ctx: EstimatorContext
): Estimator {
  const radius = settings.beta * ctx.eps
  const scale = new CarriedTensor()
  return {
    estimate(f, x, _point, t) {
      const current = ctx.oracle(f, x, t, 0)
      const neighbours = meanOfSamples(settings.samples, (i) =>
        ctx.oracle(
          f,
          tf.add(
            x,
            tf.randomUniform(
              x.shape,
              -radius,
              radius,
              'float32',
              ctx.rng.at('gra', t, i + 1).seed()
            )
          ) as tf.Tensor4D,
          t,
          i + 1
        )
      )
      const s = cosineSimilarity(current, neighbours)
      return tf.add(tf.mul(s, current), tf.mul(tf.sub(1, s), neighbours)) as tf.Tensor4D
    },
    stepScale(before, after) {
      const next = decayOnFlips(
        scale.get(() => tf.onesLike(before)),
        before,
        after,
        settings.eta
      )
      scale.set(next)
      return next
    },
    commit: () => scale.commit(),
    dispose: () => scale.dispose()
  }
}
