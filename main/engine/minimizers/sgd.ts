/** Plain SGD (spec §2): one pass in TRAIN+UPDATE, then the base step. Cost 1. */
import type { SgdMomentum } from '../training/sgd-step'
import type { GradientOracle } from './gradient-oracle'
import type { Iteration, Minimizer } from './minimizer'
import { disposeMaps } from './tensor-map'

export class Sgd implements Minimizer {
  readonly id: Minimizer['id'] = 'sgd'

  constructor(protected readonly base: SgdMomentum) {}

  async iterate(oracle: GradientOracle, it: Iteration): Promise<void> {
    const g = await oracle.gradient('update')
    try {
      this.base.step(oracle.weights, g, it.lr)
    } finally {
      disposeMaps(g)
    }
  }

  dispose(): void {
    // Plain SGD holds no tensors of its own.
  }
}
