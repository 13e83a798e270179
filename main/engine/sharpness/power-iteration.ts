/**
 * Top Hessian eigenvalue by power iteration (training spec §8.3, PyHessian `eigenvalues` with
 * top_n = 1; Yao et al., "PyHessian: Neural Networks Through the Lens of the Hessian", 2020):
 * v ← N(0, 1), normalised; repeat λ = ⟨Hv, v⟩, v ← Hv/(‖Hv‖ + 1e-6) until the relative change of
 * λ drops below tol (1e-3) or maxIter (100) HVPs. Converges to the eigenvalue of largest magnitude.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import {
  disposeMaps,
  globalDot,
  globalNorm,
  mapTensors,
  type TensorMap
} from '../minimizers/tensor-map'
import type { HessianVectorProduct } from './fd-hvp'
import { normalDirection, type Shapes } from './random-direction'

export interface PowerIterationOptions {
  maxIter?: number
  tol?: number
  rng: Rng
}

export interface PowerIterationResult {
  eigenvalue: number
  iterations: number
  converged: boolean
}

export async function topEigenvalue(
  hvp: HessianVectorProduct,
  shapes: Shapes,
  o: PowerIterationOptions
): Promise<PowerIterationResult> {
  const maxIter = o.maxIter ?? 100
  const tol = o.tol ?? 1e-3
  let v = normalize(normalDirection(shapes, o.rng), 0)
  let previous: number | undefined
  let eigenvalue = 0
  try {
    for (let it = 1; it <= maxIter; it++) {
      const hv = await hvp(v)
      eigenvalue = await scalarOf(globalDot(hv, v))
      disposeMaps(v)
      v = normalize(hv, 1e-6)
      if (
        previous !== undefined &&
        Math.abs(eigenvalue - previous) / (Math.abs(previous) + 1e-6) < tol
      ) {
        return { eigenvalue, iterations: it, converged: true }
      }
      previous = eigenvalue
    }
    return { eigenvalue, iterations: maxIter, converged: false }
  } finally {
    disposeMaps(v)
  }
}

/** v/(‖v‖ + eps); consumes `v`. */
function normalize(v: TensorMap, eps: number): TensorMap {
  const factor = tf.tidy(() => tf.div(1, tf.add(globalNorm(v), eps)))
  const out = mapTensors(v, (t) => tf.mul(t, factor))
  tf.dispose([factor, ...v.values()])
  return out
}

export async function scalarOf(s: tf.Scalar): Promise<number> {
  const [value] = await s.data()
  s.dispose()
  return value
}
