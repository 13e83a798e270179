/**
 * The last stage of every iteration: a step along the direction m and the return into the threat set.
 *
 * L∞ (the paper): x ← min(max(x + α·sign(m), lo), hi) with lo = max(x0 − ε, 0), hi = min(x0 + ε, 1).
 * L2 (app extension, spec §3.2, torchattacks PGDL2 order): step α·m/l2(m), project δ = x − x0 onto the
 * ε-ball, then clip to [0,1].
 */
import * as tf from '@tensorflow/tfjs-core'

/** Per-example Euclidean norm over [1,2,3], shape [B,1,1,1]. */
export function l2Norm(g: tf.Tensor4D): tf.Tensor4D {
  return tf.sqrt(tf.sum(tf.square(g), [1, 2, 3], true)) as tf.Tensor4D
}

export function linfStep(
  x: tf.Tensor4D,
  m: tf.Tensor4D,
  alpha: number,
  lo: tf.Tensor4D,
  hi: tf.Tensor4D
): tf.Tensor4D {
  return tf.minimum(tf.maximum(tf.add(x, tf.mul(tf.sign(m), alpha)), lo), hi) as tf.Tensor4D
}

export function l2Step(
  x: tf.Tensor4D,
  m: tf.Tensor4D,
  alpha: number,
  x0: tf.Tensor4D,
  eps: number
): tf.Tensor4D {
  const s = tf.div(m, tf.maximum(l2Norm(m), 1e-12))
  const delta = tf.sub(tf.add(x, tf.mul(s, alpha)), x0)
  const projected = tf.mul(
    delta,
    tf.minimum(1, tf.div(eps, tf.maximum(l2Norm(delta as tf.Tensor4D), 1e-12)))
  )
  return tf.clipByValue(tf.add(x0, projected), 0, 1) as tf.Tensor4D
}
