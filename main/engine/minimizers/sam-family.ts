/**
 * The two-pass skeleton every SAM-style minimizer shares (spec §1.3):
 *   g = ∇L(w) [TRAIN+UPDATE];  e = Perturbation(g, w);  w0 = copy(w);  w ← w + e
 *   g_adv = ∇L(w) [TRAIN-NOUPDATE];  w ← w0 (by copy);  BaseStep(Combine(g, g_adv))
 * Restoring by copy (not by subtracting e) makes ρ = 0 bit-identical to SGD, and the momentum
 * buffer changes exactly once per iteration. Subclasses choose the perturbation and combination.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { GradientOracle } from './gradient-oracle'
import type { Iteration, Minimizer } from './minimizer'
import { addInPlace, assignAll, disposeMaps, snapshot, type TensorMap } from './tensor-map'

export interface SharpnessAwareStep {
  g: TensorMap
  gAdv: TensorMap
  /** The loss-gradient direction handed to the base step (may be `gAdv` itself). */
  d: TensorMap
}

export abstract class SamFamily implements Minimizer {
  abstract readonly id: Minimizer['id']

  constructor(protected readonly base: SgdMomentum) {}

  protected abstract perturbation(
    g: TensorMap,
    weights: Map<string, tf.Variable>,
    it: Iteration
  ): TensorMap

  /** d_loss from the clean and perturbed gradients; SAM and ASAM use g_adv unchanged. */
  protected combine(_g: TensorMap, gAdv: TensorMap): TensorMap {
    return gAdv
  }

  async iterate(oracle: GradientOracle, it: Iteration): Promise<void> {
    const step = await this.sharpnessAwareStep(oracle, it)
    try {
      this.base.step(oracle.weights, step.d, it.lr)
    } finally {
      disposeMaps(step.g, step.gAdv, step.d)
    }
  }

  /** Passes 1 and 2 and the combination, weights restored; the caller disposes all three maps. */
  protected async sharpnessAwareStep(
    oracle: GradientOracle,
    it: Iteration
  ): Promise<SharpnessAwareStep> {
    const weights = oracle.weights
    const g = await oracle.gradient('update')
    let gAdv: TensorMap | undefined
    try {
      const saved = snapshot(weights)
      try {
        const e = this.perturbation(g, weights, it)
        try {
          addInPlace(weights, e)
        } finally {
          disposeMaps(e)
        }
        gAdv = await oracle.gradient('probe')
      } finally {
        assignAll(weights, saved)
        disposeMaps(saved)
      }
      return { g, gAdv, d: this.combine(g, gAdv) }
    } catch (error) {
      disposeMaps(g, gAdv)
      throw error
    }
  }

  dispose(): void {
    // The base optimizer belongs to the caller; the perturbation lives only inside one step.
  }
}
