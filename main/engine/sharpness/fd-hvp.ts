/**
 * Hessian-vector product by central finite differences of gradients (training spec §8.2b), the
 * default for conv nets because tfjs has no second-order path through conv filters:
 *   Hv ≈ ‖v‖ · [∇L(w + h·v̂) − ∇L(w − h·v̂)] / (2h),  v̂ = v/‖v‖,  h = 1e-3.
 * Truncation error O(h²) (exactly h²·v̂³ per coordinate on Σw⁴/4), rounding ≈ ε·‖∇L‖/h. The
 * direction is normalised first (a Rademacher vector has norm sqrt(#params)). The weights are
 * restored by copy, so they end bitwise unchanged. `gradient` must be deterministic (EVAL mode).
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  assignAll,
  disposeMaps,
  entry,
  globalNorm,
  mapTensors,
  snapshot,
  type TensorMap
} from '../minimizers/tensor-map'

export const DEFAULT_FD_STEP = 1e-3

export type HessianVectorProduct = (v: TensorMap) => Promise<TensorMap>

export async function finiteDifferenceHvp(
  weights: Map<string, tf.Variable>,
  gradient: () => Promise<TensorMap>,
  v: TensorMap,
  h = DEFAULT_FD_STEP
): Promise<TensorMap> {
  const norm = globalNorm(v)
  const vNorm = (await norm.data())[0]
  norm.dispose()
  if (vNorm === 0) return mapTensors(v, (t) => tf.zerosLike(t))
  const saved = snapshot(weights)
  const shift = mapTensors(v, (t) => tf.mul(t, h / vNorm))
  let plus: TensorMap | undefined
  let minus: TensorMap | undefined
  try {
    for (const [name, w] of weights)
      tf.tidy(() =>
        w.assign(
          tf.add(
            entry(saved, name, 'finiteDifferenceHvp'),
            entry(shift, name, 'finiteDifferenceHvp')
          )
        )
      )
    plus = await gradient()
    for (const [name, w] of weights)
      tf.tidy(() =>
        w.assign(
          tf.sub(
            entry(saved, name, 'finiteDifferenceHvp'),
            entry(shift, name, 'finiteDifferenceHvp')
          )
        )
      )
    minus = await gradient()
    const p = plus
    const m = minus
    return mapTensors(p, (gp, name) =>
      tf.mul(tf.sub(gp, entry(m, name, 'finiteDifferenceHvp')), vNorm / (2 * h))
    )
  } finally {
    assignAll(weights, saved)
    disposeMaps(saved, shift, plus, minus)
  }
}

/**
 * The spec's self-check for h: ‖Hv(h) − Hv(h/2)‖ / ‖Hv(h)‖ on one direction. Well under the
 * iteration tolerance (1e-3) means h is in the flat part of the error curve; otherwise adjust h.
 */
export async function finiteDifferenceStepCheck(
  weights: Map<string, tf.Variable>,
  gradient: () => Promise<TensorMap>,
  v: TensorMap,
  h = DEFAULT_FD_STEP
): Promise<number> {
  const coarse = await finiteDifferenceHvp(weights, gradient, v, h)
  const fine = await finiteDifferenceHvp(weights, gradient, v, h / 2)
  const diff = mapTensors(coarse, (c, name) =>
    tf.sub(c, entry(fine, name, 'finiteDifferenceStepCheck'))
  )
  try {
    const [d, c] = await Promise.all(
      [globalNorm(diff), globalNorm(coarse)].map(async (n) => {
        const [value] = await n.data()
        n.dispose()
        return value
      })
    )
    return c === 0 ? 0 : d / c
  } finally {
    disposeMaps(coarse, fine, diff)
  }
}
