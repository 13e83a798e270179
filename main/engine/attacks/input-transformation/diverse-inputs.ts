/**
 * DI: Diverse Inputs (Xie et al., "Improving Transferability of Adversarial Examples with Input
 * Diversity", CVPR 2019, https://arxiv.org/abs/1803.06978), torchattacks' shrink-and-pad variant.
 *
 * With probability p (one coin per forward pass, shared by the batch): resize the S×S image to s×s,
 * s ~ UniformInt[⌊r·S⌋, S−1], and zero-pad it back to S×S at a random offset top, left ∈ [0, S−s−1].
 * Paper setting r = 0.85, p = 0.8 (Gubri et al. 2023, App. A). Only r < 1 is supported.
 *
 * The resize is half-pixel bilinear (PyTorch `align_corners=False`) written as two dense interpolation
 * matrices applied with matMul (spec §8): tfjs' resizeBilinear backward ignores halfPixelCenters, and
 * the cpu kernels' resize gradients are unreliable for batches, whereas matMul's gradient is exact.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../data/rng'

export interface DiDraw {
  /** False when the coin said "leave the input alone". */
  applied: boolean
  size: number
  top: number
  left: number
}

/** Row i holds the bilinear weights of output pixel i over the `from` input pixels (half-pixel centres). */
export function resizeMatrix(to: number, from: number): Float32Array {
  const m = new Float32Array(to * from)
  for (let i = 0; i < to; i++) {
    const src = Math.min(Math.max((i + 0.5) * (from / to) - 0.5, 0), from - 1)
    const i0 = Math.floor(src)
    const i1 = Math.min(i0 + 1, from - 1)
    const w1 = src - i0
    m[i * from + i0] += 1 - w1
    m[i * from + i1] += w1
  }
  return m
}

/** Half-pixel bilinear resize of [B,H,W,C] to [B,sh,sw,C] by two matMuls (exact gradient everywhere). */
export function bilinearResize(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape
  const rh = tf.tensor2d(resizeMatrix(sh, h), [sh, h])
  const rw = tf.tensor2d(resizeMatrix(sw, w), [sw, w])
  // [B,H,W,C] → [B,C,W,H]: resize H as the last axis.
  const alongH = tf.matMul(
    tf.reshape(tf.transpose(x, [0, 3, 2, 1]), [b * c * w, h]),
    rh,
    false,
    true
  )
  // [B,C,W,sh] → [B,C,sh,W]: resize W as the last axis.
  const t = tf.transpose(tf.reshape(alongH, [b, c, w, sh]), [0, 1, 3, 2])
  const alongW = tf.matMul(tf.reshape(t, [b * c * sh, w]), rw, false, true)
  return tf.transpose(tf.reshape(alongW, [b, c, sh, sw]), [0, 2, 3, 1])
}

/** Draws the coin, size and offsets for an S×S input. */
export function drawDiverseInput(
  sideLength: number,
  config: { resizeRate: number; prob: number },
  rng: Rng
): DiDraw {
  const applied = rng.next() < config.prob
  const low = Math.max(1, Math.floor(config.resizeRate * sideLength))
  const size = low >= sideLength ? sideLength - 1 : low + rng.int(sideLength - low)
  const rem = sideLength - size
  return { applied: applied && size >= 1, size, top: rng.int(rem), left: rng.int(rem) }
}

/** Applies a draw: resize to size×size and zero-pad back to S×S. */
export function applyDiverseInput(x: tf.Tensor4D, draw: DiDraw): tf.Tensor4D {
  if (!draw.applied) return x
  const side = x.shape[1]
  const rem = side - draw.size
  const small = bilinearResize(x, draw.size, draw.size)
  return tf.pad(small, [
    [0, 0],
    [draw.top, rem - draw.top],
    [draw.left, rem - draw.left],
    [0, 0]
  ])
}

/** One DI transform with a fresh draw from `rng`. */
export function diverseInputs(
  x: tf.Tensor4D,
  config: { resizeRate: number; prob: number },
  rng: Rng
): tf.Tensor4D {
  if (x.shape[1] !== x.shape[2])
    throw new Error(`DI (diverse inputs) needs square images, got ${x.shape[1]}×${x.shape[2]}`)
  return applyDiverseInput(x, drawDiverseInput(x.shape[1], config, rng))
}
