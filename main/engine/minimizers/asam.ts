/**
 * ASAM (Kwon et al., "ASAM: Adaptive Sharpness-Aware Minimization for Scale-Invariant Learning of
 * Deep Neural Networks", ICML 2021): SAM inside the ellipsoid ‖T⁻¹e‖ ≤ ρ, T = diag(|w| + η), so the
 * neighbourhood follows weight rescalings. Defaults ρ 0.5 (l-ASAM 3, Gubri et al.), η 0.01 and
 * kernels + BN γ scaled (official code). Cost 2.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { Minimizer } from './minimizer'
import { adaptivePerturbation, type AdaptiveOptions } from './perturbation'
import { SamFamily } from './sam-family'
import type { TensorMap } from './tensor-map'

export class Asam extends SamFamily {
  readonly id: Minimizer['id'] = 'asam'

  constructor(
    base: SgdMomentum,
    readonly options: AdaptiveOptions = { rho: 0.5, eta: 0.01, scaled: 'weights' }
  ) {
    super(base)
  }

  protected perturbation(g: TensorMap, weights: Map<string, tf.Variable>): TensorMap {
    return adaptivePerturbation(g, weights, this.options)
  }
}
