/**
 * SWA as Gubri et al. run it (Izmailov et al., "Averaging Weights Leads to Wider Optima and Better
 * Generalization", UAI 2018, without the special SWA LR): plain SGD; average the end-of-epoch
 * weights of the last 25 % of epochs (e > 0.75·E), then recompute batch-norm statistics. Cost 1.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { FinishContext, Minimizer, MinimizerState } from './minimizer'
import { Sgd } from './sgd'
import { averagingStart, WeightAverage } from './weight-average'

export class Swa extends Sgd {
  override readonly id: Minimizer['id'] = 'swa'
  readonly average = new WeightAverage()

  constructor(
    base: SgdMomentum,
    readonly averageStart?: number
  ) {
    super(base)
  }

  endEpoch(epoch: number, epochs: number, weights: Map<string, tf.Variable>): void {
    if (epoch >= averagingStart(epochs, 'after-three-quarters', this.averageStart))
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
