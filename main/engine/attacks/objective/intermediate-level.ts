/**
 * ILA: Intermediate Level Attack (Huang et al., "Enhancing Adversarial Example Transferability with an
 * Intermediate Level Attack", ICCV 2019, https://arxiv.org/abs/1907.10823).
 *
 * A pipeline around the stack. Stage 1 runs the rest of the stack for T₁ steps to get x″ and the
 * feature shift Δ″ = h_l(x″) − h_l(x0) it causes at layer l. Stage 2 restarts from x0 and, for
 * T₂ = T − T₁ plain sign steps of α₂, maximises the projection of the new shift on Δ″:
 *
 *   L_ILA(x) = Σ_b ⟨h_l(x)_b − h_l(x0)_b, Δ″_b⟩ / ‖Δ″_b‖²
 *
 * on the unpatched surrogate (no GN, SGM or LGV in stage 2). Everything is per example; an example
 * whose stage 1 did not move the features (‖Δ″_b‖ = 0) keeps x″_b. App defaults: T₁ = T/2 (compute
 * matched with a T-step baseline), α₂ = ε/5, layer 'auto' (docs/techniques.md).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../../models/classifier'
import type { AttackConfig } from '../attack-config'
import { resolveFeatureLayer } from '../feature-layers'

/** The output of `layer` for x, flattened per example to [B, F]. */
export function featureAt(model: Classifier, layer: string, x: tf.Tensor4D): tf.Tensor2D {
  let feature: tf.Tensor | undefined
  model.forward(x, {
    training: false,
    tapFeature: (name, h) => (name === layer && (feature = h), h)
  })
  if (!feature)
    throw new Error(`ila.layer: the surrogate's forward pass never reached layer "${layer}"`)
  return tf.reshape(feature, [x.shape[0], -1]) as tf.Tensor2D
}

export interface IlaHooks {
  onIteration?: (t: number, x: tf.Tensor4D) => void
}

/** Stage 2 from `stage1` (x″, the caller's; not disposed here). Returns a new tensor. */
export function ilaStage2(
  model: Classifier,
  x0: tf.Tensor4D,
  stage1: tf.Tensor4D,
  config: AttackConfig,
  hooks: IlaHooks = {}
): tf.Tensor4D {
  const ila = config.ila
  if (!ila) throw new Error('ilaStage2 needs config.ila')
  const layer = resolveFeatureLayer(model, ila.layer, 'ila')
  const stage1Steps = Math.min(config.steps, ila.stage1Steps ?? Math.ceil(config.steps / 2))
  const step = ila.alpha2 * config.eps
  const [lo, hi, clean, direction, unmoved] = tf.tidy(() => {
    const clean = featureAt(model, layer, x0)
    const shift = tf.sub(featureAt(model, layer, stage1), clean)
    const squared = tf.sum(tf.square(shift), 1, true)
    const unmoved = tf.reshape(tf.equal(squared, 0), [x0.shape[0], 1, 1, 1])
    return [
      tf.maximum(tf.sub(x0, config.eps), 0),
      tf.minimum(tf.add(x0, config.eps), 1),
      clean,
      tf.div(shift, tf.maximum(squared, 1e-30)),
      unmoved
    ]
  })
  const projection = (x: tf.Tensor): tf.Scalar =>
    tf.sum(tf.mul(tf.sub(featureAt(model, layer, x as tf.Tensor4D), clean), direction)) as tf.Scalar
  let x = tf.clone(x0)
  for (let t = 0; t < config.steps - stage1Steps; t++) {
    const current = x
    const next = tf.tidy(() => {
      const stepped = tf.minimum(
        tf.maximum(tf.add(current, tf.mul(tf.sign(tf.grad(projection)(current)), step)), lo),
        hi
      ) as tf.Tensor4D
      hooks.onIteration?.(stage1Steps + t, stepped)
      return stepped
    })
    x.dispose()
    x = next
  }
  const result = tf.tidy(() => tf.where(tf.broadcastTo(unmoved, x.shape), stage1, x) as tf.Tensor4D)
  tf.dispose([x, lo, hi, clean, direction, unmoved])
  return result
}
