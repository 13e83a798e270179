/**
 * A minimizer turns one mini-batch into exactly one base SGD step (spec §1.1), asking the oracle
 * for as many gradients as its method needs. Epoch hooks serve the weight-averaging methods.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { MinimizerId } from '../../contract/minimizer-spec'
import type { GradientOracle } from './gradient-oracle'

export interface Iteration {
  /** 1-based epoch and 0-based index of the batch inside it. */
  epoch: number
  index: number
  epochs: number
  /** LR of this epoch, and the lowest and highest LR of the schedule (GSAM's ρ schedule). */
  lr: number
  lrRange: { min: number; max: number }
}

export interface FinishContext {
  weights: Map<string, tf.Variable>
  /** Re-estimates batch-norm running statistics for the current weights (spec §4 BN recompute). */
  recomputeBatchNorm(): Promise<void>
}

/**
 * What a minimizer carries from one epoch to the next beyond the weights and momentum (LookSAM's
 * g_v, SWA/WASAM's running average and its count), saved with each checkpoint so training resumes exactly.
 */
export interface MinimizerState {
  tensors: Map<string, tf.Tensor>
  numbers: Record<string, number>
}

export interface Minimizer {
  readonly id: MinimizerId
  iterate(oracle: GradientOracle, it: Iteration): Promise<void>
  /** After the last batch of an epoch, before the epoch's checkpoint. */
  endEpoch?(epoch: number, epochs: number, weights: Map<string, tf.Variable>): void
  /** After the last epoch: SWA and WASAM swap in their average here. */
  finish?(ctx: FinishContext): Promise<void>
  /** Its state at an epoch boundary (borrowed tensors); absent for stateless minimizers. */
  state?(): MinimizerState
  /** Takes back a `state()` (copies the tensors), before the first iteration of a resumed run. */
  restore?(state: MinimizerState): void
  /** Frees the minimizer's own state (not the base optimizer, which the caller owns). */
  dispose(): void
}
