/**
 * AGSAM: GSAM's combination with ASAM's adaptive perturbation (spec §5.4). GSAM's adaptive mode,
 * which the paper used, scales every tensor with η = 0. Gubri et al.: ρ 0.5, l-AGSAM ρ 4 (their
 * best surrogate), α 0.15. Cost 2.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import { Gsam } from './gsam'
import type { Minimizer } from './minimizer'
import { adaptivePerturbation, type AdaptiveOptions } from './perturbation'
import type { TensorMap } from './tensor-map'

export class Agsam extends Gsam {
  override readonly id: Minimizer['id'] = 'agsam'

  constructor(
    base: SgdMomentum,
    readonly adaptive: AdaptiveOptions & { alpha: number } = {
      rho: 0.5,
      alpha: 0.15,
      eta: 0,
      scaled: 'all'
    }
  ) {
    super(base, { rho: adaptive.rho, alpha: adaptive.alpha })
  }

  protected override perturbation(g: TensorMap, weights: Map<string, tf.Variable>): TensorMap {
    return adaptivePerturbation(g, weights, this.adaptive)
  }
}
