/**
 * Weight perturbations relative to each layer's size, as Stutz et al. 2021 measure flatness: every
 * trainable tensor but the normalisation layers' (batch-norm γ and β, excluded by the paper) moves
 * by ν_l with ‖ν_l‖₂ tied to ξ·‖w_l‖₂, which makes the measure invariant to the layer-wise rescaling
 * that leaves a ReLU network's function unchanged.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { TensorMap } from '../minimizers/tensor-map'

/** Whether a trainable tensor is perturbed: not a normalisation layer's scale or shift. */
export function isPerturbed(name: string): boolean {
  return !name.endsWith('/gamma') && !name.endsWith('/beta')
}

/** The perturbed tensors of a model's trainable weights, by name. */
export function perturbedWeights(trainable: Map<string, tf.Variable>): Map<string, tf.Variable> {
  return new Map([...trainable].filter(([name]) => isPerturbed(name)))
}

/**
 * A random ν_l per tensor with a uniformly random direction and norm `radius(l)`·ξ·‖w_l‖: on the
 * sphere (`onSphere`, average-case flatness) or with the norm drawn uniformly in [0, ξ·‖w_l‖]
 * (the worst-case search's start).
 */
export function randomRelativePerturbation(
  weights: Map<string, tf.Tensor>,
  xi: number,
  rng: Rng,
  onSphere: boolean
): TensorMap {
  const out: TensorMap = new Map()
  for (const [name, w] of weights) {
    const fraction = onSphere ? 1 : rng.next()
    const seed = rng.seed()
    out.set(
      name,
      tf.tidy(() => {
        const d = tf.randomNormal(w.shape, 0, 1, 'float32', seed)
        return tf.mul(d, tf.div(tf.mul(xi * fraction, tf.norm(w)), tf.add(tf.norm(d), 1e-12)))
      })
    )
  }
  return out
}

/** ν_l projected onto the ball ‖ν_l‖ ≤ ξ·‖w_l‖ (w the unperturbed weights). */
export function projectRelative(nu: tf.Tensor, w: tf.Tensor, xi: number): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(nu, tf.minimum(1, tf.div(tf.mul(xi, tf.norm(w)), tf.add(tf.norm(nu), 1e-12))))
  )
}

/** A gradient rescaled per tensor to norm ‖w_l‖ (the paper's layer-wise relative normalisation of weight steps). */
export function relativeDirection(g: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(g, tf.div(tf.norm(w), tf.add(tf.norm(g), 1e-12))))
}
