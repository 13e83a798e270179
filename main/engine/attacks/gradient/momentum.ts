/**
 * MI: Momentum Iterative attack (Dong et al., "Boosting Adversarial Attacks with Momentum", CVPR 2018,
 * https://arxiv.org/abs/1710.06081).
 *
 * m_{t+1} = μ·m_t + g / meanAbs(g), stepping along sign(m). The paper sets μ = 1.2 (the original and
 * the libraries use 1.0). The normaliser is the per-example mean |g| as in every reference code (spec
 * §2.4), guarded so a zero gradient stays zero instead of becoming NaN. With μ = 0 the buffer is
 * just g, which gives BIM's step exactly.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Per-example mean |g| over [1,2,3], shape [B,1,1,1]. */
export function meanAbs(g: tf.Tensor4D): tf.Tensor4D {
  return tf.mean(tf.abs(g), [1, 2, 3], true)
}

type Decays = 'mi' | 'ni' | 'vt' | 'emi' | 'pgn' | 'gra'

/** The one decay of the loop (spec §2.2): NI's μ, else MI's, else the estimator's own (EMI, PGN, GRA, VT), else 0. */
export function decayOf(config: Partial<Record<Decays, { mu: number }>>): number {
  const source = config.ni ?? config.mi ?? config.emi ?? config.pgn ?? config.gra ?? config.vt
  return source ? source.mu : 0
}

/** m ← μ·m + g / max(meanAbs(g), 1e-12); with μ = 0, m ← g (same sign, same L2 direction). */
export function accumulateMomentum(m: tf.Tensor4D, g: tf.Tensor4D, mu: number): tf.Tensor4D {
  if (mu === 0) return g
  return tf.add(tf.mul(m, mu), tf.div(g, tf.maximum(meanAbs(g), 1e-12))) as tf.Tensor4D
}
