/**
 * WASAM (Kaddour et al., "When Do Flat Minima Optimizers Work?", NeurIPS 2022): SAM plus an average
 * of end-of-epoch weights from epoch int(0.75·E) (reference `epoch ≥ int(max_epochs·0.75)`), then a
 * batch-norm recompute (spec §5.5). ρ defaults to SAM's 0.05 (the paper lists no WASAM value). Cost 2.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { FinishContext, Minimizer, MinimizerState } from './minimizer'
import { Sam } from './sam'
import { averagingStart, WeightAverage } from './weight-average'

export class Wasam extends Sam {
  override readonly id: Minimizer['id'] = 'wasam'
  readonly average = new WeightAverage()

  constructor(
    base: SgdMomentum,
    rho = 0.05,
    readonly averageStart?: number
  ) {
    super(base, rho)
  }

  endEpoch(epoch: number, epochs: number, weights: Map<string, tf.Variable>): void {
    if (epoch >= averagingStart(epochs, 'from-int-three-quarters', this.averageStart))
      this.average.add(weights)
  }

  async finish(ctx: FinishContext): Promise<void> {
    if (this.average.assignTo(ctx.weights)) await ctx.recomputeBatchNorm()
  }

  state(): MinimizerState {
    return this.average.state()
  }

  restore(state: MinimizerState): void {
    this.average.restore(state)
  }

  override dispose(): void {
    this.average.dispose()
  }
}
