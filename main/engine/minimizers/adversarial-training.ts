/**
 * Adversarial training around any minimizer (recipe `adversarial`): each iteration first replaces
 * the clean batch by its L∞ PGD examples on the current weights (linf-pgd.ts), then lets the inner
 * minimizer take its step on them: SGD gives PGD-AT (Madry et al.), SAM gives SAM + AT (Wei et al.
 * 2024), AWP gives AT-AWP (Wu et al. 2020). The random start of batch (epoch, index) is drawn from
 * the recipe's seed and that position only, so a resumed run crafts the same examples.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { AdversarialTrainingSpec } from '../../contract/adversarial-training-spec'
import { Rng } from '../data/rng'
import type { GradientOracle } from './gradient-oracle'
import { isInputGradientOracle } from './input-oracle'
import { linfPgd } from './linf-pgd'
import type { FinishContext, Iteration, Minimizer, MinimizerState } from './minimizer'

export class AdversarialTraining implements Minimizer {
  readonly id: Minimizer['id']

  constructor(
    readonly inner: Minimizer,
    readonly options: AdversarialTrainingSpec,
    private readonly seed: number
  ) {
    this.id = inner.id
  }

  async iterate(oracle: GradientOracle, it: Iteration): Promise<void> {
    if (!isInputGradientOracle(oracle))
      throw new Error(
        'Error in AdversarialTraining.iterate: adversarial training needs a training loop that exposes input gradients'
      )
    const seed = new Rng(this.seed).fork(`pgd-${it.epoch}-${it.index}`).seed()
    const adversarial = await linfPgd(oracle, this.options, seed)
    try {
      oracle.useInputs(adversarial)
      await this.inner.iterate(oracle, it)
    } finally {
      oracle.useInputs(oracle.inputs)
      adversarial.dispose()
    }
  }

  endEpoch(epoch: number, epochs: number, weights: Map<string, tf.Variable>): void {
    this.inner.endEpoch?.(epoch, epochs, weights)
  }

  async finish(ctx: FinishContext): Promise<void> {
    await this.inner.finish?.(ctx)
  }

  state(): MinimizerState {
    return this.inner.state?.() ?? { tensors: new Map(), numbers: {} }
  }

  restore(state: MinimizerState): void {
    if (this.inner.restore) this.inner.restore(state)
    else if (state.tensors.size > 0)
      throw new Error(
        `Error in AdversarialTraining.restore: the checkpoint holds state that ${this.id} does not take`
      )
  }

  dispose(): void {
    this.inner.dispose()
  }
}

/** The recipe's minimizer, wrapped in adversarial training when the recipe asks for it. */
export function withAdversarialTraining(
  minimizer: Minimizer,
  adversarial: AdversarialTrainingSpec | undefined,
  seed: number
): Minimizer {
  return adversarial ? new AdversarialTraining(minimizer, adversarial, seed) : minimizer
}
