/**
 * SAM (Foret et al., "Sharpness-Aware Minimization for Efficiently Improving Generalization",
 * ICLR 2021): descend with the gradient at w + ρ·g/‖g‖. Paper defaults: SAM ρ 0.05, l-SAM ρ 0.3
 * (Gubri et al. §5; 0.4 in their Table 5). Cost 2 passes per iteration.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { Minimizer } from './minimizer'
import { samPerturbation } from './perturbation'
import { SamFamily } from './sam-family'
import type { TensorMap } from './tensor-map'

export class Sam extends SamFamily {
  readonly id: Minimizer['id'] = 'sam'

  constructor(
    base: SgdMomentum,
    readonly rho = 0.05
  ) {
    super(base)
  }

  protected perturbation(g: TensorMap, _weights: Map<string, tf.Variable>): TensorMap {
    return samPerturbation(g, this.rho)
  }
}
