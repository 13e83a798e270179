/**
 * LGV: Large Geometric Vicinity (Gubri et al., "LGV: Boosting Adversarial Example Transferability from
 * Large Geometric Vicinity", ECCV 2022, https://arxiv.org/abs/2207.13129).
 *
 * The attack cycles over K weight snapshots collected with a constant high learning rate (defaults:
 * K = 40, 4 per epoch over 10 epochs, LR 0.05): the members are shuffled once per run with a seeded
 * permutation and iteration t attacks `order[t mod K]`; every oracle, VT and RAP call of iteration t
 * uses that same member. The cycle restarts at index 0 for every batch (spec §4.3). With n_grad > 1
 * the logits of n_grad consecutive members are averaged.
 */
import type { Rng } from '../../data/rng'

/** A seeded permutation of member indices 0 … K−1. */
export function lgvOrder(count: number, rng: Rng): number[] {
  return rng.shuffle(Array.from({ length: count }, (_, i) => i))
}

/** Member indices used at iteration t: order[(t·n_grad + j) mod K] for j < n_grad. */
export function lgvMembersAt(order: number[], t: number, nGrad: number): number[] {
  return Array.from({ length: nGrad }, (_, j) => order[(t * nGrad + j) % order.length])
}
