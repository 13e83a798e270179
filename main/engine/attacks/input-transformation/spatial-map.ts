/**
 * A linear map applied separately along the two spatial axes of an NHWC tensor, out = M_h · X · M_wᵀ
 * per example and channel, written as two matMuls so its gradient is exact on every backend (the same
 * construction as DI's resize, spec attacks.md §8). SIA's resize and DCT low-pass use it.
 */
import * as tf from '@tensorflow/tfjs-core'

/** `mh` is [sh, h] and `mw` is [sw, w], row-major. */
export function spatialMap(
  x: tf.Tensor4D,
  mh: Float32Array,
  sh: number,
  mw: Float32Array,
  sw: number
): tf.Tensor4D {
  const [b, h, w, c] = x.shape
  const alongH = tf.matMul(
    tf.reshape(tf.transpose(x, [0, 3, 2, 1]), [b * c * w, h]),
    tf.tensor2d(mh, [sh, h]),
    false,
    true
  )
  const t = tf.transpose(tf.reshape(alongH, [b, c, w, sh]), [0, 1, 3, 2])
  const alongW = tf.matMul(tf.reshape(t, [b * c * sh, w]), tf.tensor2d(mw, [sw, w]), false, true)
  return tf.transpose(tf.reshape(alongW, [b, c, sh, sw]), [0, 2, 3, 1])
}

/** The orthonormal DCT-II low-pass L = Cᵀ·diag(keep)·C of size n, keeping the lowest n − ⌊ratio·n⌋ frequencies. */
export function dctLowPass(n: number, ratio: number): Float32Array {
  const basis = (k: number, i: number): number =>
    (k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n)) *
    Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n))
  const kept = n - Math.floor(ratio * n)
  const out = new Float32Array(n * n)
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      let sum = 0
      for (let k = 0; k < kept; k++) sum += basis(k, r) * basis(k, c)
      out[r * n + c] = sum
    }
  return out
}
