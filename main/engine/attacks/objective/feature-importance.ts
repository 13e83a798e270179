/**
 * FIA: Feature Importance-aware Attack (Wang et al., "Feature Importance-aware Transferable
 * Adversarial Attacks", ICCV 2021, https://arxiv.org/abs/2107.14185).
 *
 * Once per batch, the importance of each feature of layer l is the gradient of the true-class logit
 * with respect to h_l, summed over N copies of the clean image with pixels dropped with probability
 * p_d (a dropped pixel is black), then normalised per example: Δ̄ = Δ / ‖Δ‖₂. The attack maximises
 * L = −Σ_b ⟨Δ̄_b, h_l(z)_b⟩: it lowers the features that speak for the true class and raises the
 * others. Paper setting: N = 30, p_d = 0.3 against normally trained targets, MI μ = 1.0.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from '../../models/forward-context'
import type { AttackRng } from '../attack-rng'

/** Per-example −⟨Δ̄, h⟩ over every non-batch axis. */
export function featureImportanceLoss(h: tf.Tensor, importance: tf.Tensor): tf.Tensor1D {
  return tf.neg(tf.sum(tf.reshape(tf.mul(h, importance), [h.shape[0], -1]), 1)) as tf.Tensor1D
}

/** Identity forward; hands the upstream gradient dy (kept) to `onGrad` during the backward pass. */
function captureGradient(h: tf.Tensor, onGrad: (dy: tf.Tensor) => void): tf.Tensor {
  const op = tf.customGrad((...inputs) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => {
      onGrad(tf.keep(tf.clone(dy)))
      return dy
    }
  }))
  return op(h) as tf.Tensor
}

/** Per-example Euclidean normalisation over every non-batch axis (guarded: a zero Δ stays zero). */
function normalise(delta: tf.Tensor): tf.Tensor {
  const flat = tf.reshape(delta, [delta.shape[0], -1])
  const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(flat), 1, true)), 1e-12)
  return tf.reshape(tf.div(flat, norm), delta.shape)
}

/**
 * Δ̄ of a batch. `forward(x, n, tap)` runs the surrogate on pixel-dropped copy n with the given tap
 * (GN draws a fresh ghost per copy). The caller disposes the result.
 */
export function featureImportance(
  forward: (
    x: tf.Tensor4D,
    n: number,
    tap: NonNullable<ForwardContext['tapFeature']>
  ) => tf.Tensor2D,
  x0: tf.Tensor4D,
  labels: tf.Tensor1D,
  settings: { copies: number; dropProb: number },
  layer: string,
  rng: AttackRng
): tf.Tensor {
  let sum: tf.Tensor | undefined
  for (let n = 0; n < settings.copies; n++) {
    let captured: tf.Tensor | undefined
    tf.tidy(() => {
      const keep = tf.cast(
        tf.greaterEqual(
          tf.randomUniform(x0.shape, 0, 1, 'float32', rng.at('fia', n).seed()),
          settings.dropProb
        ),
        'float32'
      )
      const tap = (name: string, h: tf.Tensor): tf.Tensor =>
        name === layer ? captureGradient(h, (dy) => (captured = dy)) : h
      const trueLogit = (x: tf.Tensor): tf.Scalar => {
        const logits = forward(x as tf.Tensor4D, n, tap)
        return tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1]))) as tf.Scalar
      }
      tf.grad(trueLogit)(tf.mul(x0, keep))
    })
    if (!captured)
      throw new Error(`fia.layer: the surrogate's forward pass never reached layer "${layer}"`)
    const grad: tf.Tensor = captured
    const next = sum ? tf.add(sum, grad) : grad
    if (sum) tf.dispose([sum, grad])
    sum = next
  }
  const result = tf.tidy(() => normalise(sum as tf.Tensor))
  sum?.dispose()
  return result
}
