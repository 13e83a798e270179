/**
 * The ascent steps of the SAM family (spec §5). Both return `e` with the shapes of `w`.
 *
 * SAM (Foret et al. 2021, ρ 0.05): e = ρ·g/(‖g‖ + 1e-12), so ‖e‖ = ρ and g = 0 gives e = 0.
 * ASAM (Kwon et al. 2021, ρ 0.5, η 0.01): with t = |w| + η on scaled tensors and 1 elsewhere,
 * e = ρ·t²⊙g/(‖t⊙g‖ + 1e-12), so ‖e ⊘ t‖ = ρ.
 */
import * as tf from '@tensorflow/tfjs-core'
import { entry, globalNorm, mapTensors, type TensorMap } from './tensor-map'

export const NORM_EPSILON = 1e-12

export function samPerturbation(g: TensorMap, rho: number): TensorMap {
  const factor = tf.tidy(() => tf.div(rho, tf.add(globalNorm(g), NORM_EPSILON)))
  try {
    return mapTensors(g, (t) => tf.mul(t, factor))
  } finally {
    factor.dispose()
  }
}

export interface AdaptiveOptions {
  rho: number
  eta: number
  /** 'weights': conv/dense kernels and BN γ (official ASAM, names ending /kernel or /gamma); 'all': every tensor. */
  scaled: 'weights' | 'all'
}

/** Whether ASAM scales a tensor: kernels and BN γ under 'weights' (biases and BN β keep t = 1). */
export function isScaled(name: string, scaled: AdaptiveOptions['scaled']): boolean {
  return scaled === 'all' || name.endsWith('/kernel') || name.endsWith('/gamma')
}

export function adaptivePerturbation(
  g: TensorMap,
  weights: Map<string, tf.Variable>,
  o: AdaptiveOptions
): TensorMap {
  const t = mapTensors(g, (gi, name) =>
    isScaled(name, o.scaled)
      ? tf.add(tf.abs(entry(weights, name, 'adaptivePerturbation')), o.eta)
      : tf.onesLike(gi)
  )
  const tg = mapTensors(g, (gi, name) => tf.mul(entry(t, name, 'adaptivePerturbation'), gi))
  const factor = tf.tidy(() => {
    const norm = globalNorm(tg)
    return tf.div(o.rho, tf.add(norm, NORM_EPSILON))
  })
  try {
    return mapTensors(tg, (tgi, name) =>
      tf.mul(tf.mul(entry(t, name, 'adaptivePerturbation'), tgi), factor)
    )
  } finally {
    tf.dispose([factor, ...t.values(), ...tg.values()])
  }
}
