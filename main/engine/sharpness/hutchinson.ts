/**
 * Hessian trace by Hutchinson's estimator (training spec §8.4, PyHessian `trace`): the mean of
 * ⟨Hv, v⟩ over Rademacher vectors v (unbiased for tr H). Stops when the running mean changes by
 * less than tol (1e-3, relative) or after maxIter (100) samples; `samples` forces a fixed count,
 * since a single-sample variance of 2·Σ_{i≠j} H_ij² can make the relative rule stop by chance.
 */
import type { Rng } from '../data/rng'
import { disposeMaps, globalDot } from '../minimizers/tensor-map'
import type { HessianVectorProduct } from './fd-hvp'
import { scalarOf } from './power-iteration'
import { rademacherDirection, type Shapes } from './random-direction'

export interface HutchinsonOptions {
  maxIter?: number
  tol?: number
  /** Exactly this many samples, ignoring tol. */
  samples?: number
  rng: Rng
}

export interface HutchinsonResult {
  trace: number
  /** std/sqrt(n) of the samples (0 with one sample). */
  standardError: number
  samples: number[]
}

export async function hessianTrace(
  hvp: HessianVectorProduct,
  shapes: Shapes,
  o: HutchinsonOptions
): Promise<HutchinsonResult> {
  const maxIter = o.samples ?? o.maxIter ?? 100
  const tol = o.tol ?? 1e-3
  const samples: number[] = []
  let previousMean: number | undefined
  for (let it = 1; it <= maxIter; it++) {
    const v = rademacherDirection(shapes, o.rng)
    try {
      const hv = await hvp(v)
      try {
        samples.push(await scalarOf(globalDot(hv, v)))
      } finally {
        disposeMaps(hv)
      }
    } finally {
      disposeMaps(v)
    }
    const mean = meanOf(samples)
    if (
      o.samples === undefined &&
      previousMean !== undefined &&
      Math.abs(mean - previousMean) / (Math.abs(previousMean) + 1e-6) < tol
    )
      break
    previousMean = mean
  }
  const mean = meanOf(samples)
  const n = samples.length
  const variance = n > 1 ? samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0
  return { trace: mean, standardError: Math.sqrt(variance / n), samples }
}

function meanOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}
