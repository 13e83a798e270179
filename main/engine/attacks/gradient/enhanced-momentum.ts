/**
 * EMI: Enhanced Momentum (Wang et al., "Boosting Adversarial Transferability through Enhanced
 * Momentum", BMVC 2021, https://arxiv.org/abs/2103.10609).
 *
 * The gradient is averaged over N points on the line through x_t along the previous average gradient:
 *
 *   c_i = −η + 2η·i/(N−1) (linear; N = 1 gives c = 0),  ḡ_t = (1/N) Σ_i G(x_t + c_i·α·d_{t−1}),
 *   d_t = ḡ_t / meanAbs(ḡ_t),  d_{−1} = 0
 *
 * then the loop's momentum (EMI's own μ) and sign step. Samples are not clipped. Defaults (TransferAttack's
 * official arguments): N = 11, η = 7 (α units), linear sampling, μ = 1.0.
 */
import * as tf from '@tensorflow/tfjs-core'
import { meanAbs } from './momentum'
import { CarriedTensor, meanOfSamples, type Estimator, type EstimatorContext } from './estimator'

export interface EmiSettings {
  samples: number
  /** η in α units. */
  radius: number
  sampling: 'linear' | 'uniform' | 'gaussian'
}

/** The N sample coefficients c_i of iteration t (in units of α·d). */
export function emiCoefficients(settings: EmiSettings, draw: (i: number) => number): number[] {
  const { samples: n, radius: eta } = settings
  return Array.from({ length: n }, (_, i) => {
    if (settings.sampling === 'linear') return n === 1 ? 0 : -eta + (2 * eta * i) / (n - 1)
    return draw(i) * eta
  })
}

export function enhancedMomentumEstimator(
  settings: EmiSettings,
  ctx: EstimatorContext,
  onSample?: (t: number, z: tf.Tensor4D) => void
): Estimator {
  const direction = new CarriedTensor()
  return {
    estimate(f, x, _point, t) {
      const d = direction.get(() => tf.zerosLike(x))
      const coefficients = emiCoefficients(settings, (i) => {
        const rng = ctx.rng.at('emi', t, i)
        if (settings.sampling === 'uniform') return 2 * rng.next() - 1
        // clip(N(0, 1)/3, −1, 1) by Box–Muller
        const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())
        return Math.max(-1, Math.min(1, g / 3))
      })
      const mean = meanOfSamples(settings.samples, (i) => {
        const z = tf.add(x, tf.mul(d, coefficients[i] * ctx.alpha)) as tf.Tensor4D
        onSample?.(t, z)
        return ctx.oracle(f, z, t, i)
      })
      direction.set(tf.div(mean, tf.maximum(meanAbs(mean), 1e-12)) as tf.Tensor4D)
      return mean
    },
    commit: () => direction.commit(),
    dispose: () => direction.dispose()
  }
}
