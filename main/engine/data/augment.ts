/**
 * Training-time augmentation: random crop after zero padding, and random horizontal flip.
 *
 * The standard CIFAR recipe (pad 4, crop back to the original size, flip with p = 0.5), as in
 * He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, §4.2
 * (https://arxiv.org/abs/1512.03385). Offsets and flips are drawn from a seeded `Rng`, so a seed
 * reproduces a run.
 *
 * Each example's crop-and-flip is one affine map from output to input pixel coordinates, so the
 * whole batch is a single `tf.image.transform` (nearest neighbour, constant fill 0): integer
 * offsets make the sampling exact, pixels that fall in the padding read the fill value, and the
 * padded batch is never built. That beats a pad plus one slice per example several times over.
 *
 * The cpu backend's Transform kernel (tfjs 4.22) returns after the first image of the batch and
 * leaves the rest filled with zeros, so on cpu the same map runs as one `gather` over precomputed
 * source indices instead. Gather is slower on wasm (its kernel bounds-checks every index in
 * JavaScript), which is why it is not the default.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from './rng'

export interface AugmentOptions {
  /** Zero padding on each side before the crop; 0 disables cropping. */
  cropPadding: number
  /** Flip each example horizontally with probability 0.5. */
  flip: boolean
}

/** The random choices for one batch: crop offsets into the padded image, and flips. */
export interface AugmentParams {
  /** Row offset of each example's crop in the padded image, in [0, 2·padding]; `padding` = no shift. */
  offsetY: Int32Array
  /** Column offset of each example's crop, in [0, 2·padding]. */
  offsetX: Int32Array
  flip: Uint8Array
}

/**
 * Randomly crops (from the zero-padded image) and flips each example of an NHWC batch.
 *
 * Always returns a new tensor; the caller disposes both `x` and the result. With `cropPadding` 0
 * and `flip` false the result equals `x` and no random numbers are drawn.
 */
export function augmentBatch(x: tf.Tensor4D, options: AugmentOptions, rng: Rng): tf.Tensor4D {
  checkOptions(options)
  if (options.cropPadding === 0 && !options.flip) return tf.clone(x)
  return applyAugment(x, drawAugmentParams(x.shape[0], options, rng), options.cropPadding)
}

/** Draws offsets and flips for `n` examples: per example, row offset, column offset, then flip. */
export function drawAugmentParams(n: number, options: AugmentOptions, rng: Rng): AugmentParams {
  checkOptions(options)
  const span = 2 * options.cropPadding + 1
  const params: AugmentParams = {
    offsetY: new Int32Array(n),
    offsetX: new Int32Array(n),
    flip: new Uint8Array(n)
  }
  for (let i = 0; i < n; i++) {
    params.offsetY[i] = options.cropPadding > 0 ? rng.int(span) : 0
    params.offsetX[i] = options.cropPadding > 0 ? rng.int(span) : 0
    params.flip[i] = options.flip && rng.next() < 0.5 ? 1 : 0
  }
  return params
}

/**
 * Applies given crop offsets and flips: output = flip(crop(pad(x, padding))).
 *
 * Pixel (i, j) of example n comes from source row i + offsetY − padding and source column
 * (flipped ? W − 1 − j : j) + offsetX − padding, or is 0 when that falls outside the image.
 */
export function applyAugment(x: tf.Tensor4D, params: AugmentParams, padding: number): tf.Tensor4D {
  const n = x.shape[0]
  tf.util.assert(
    params.offsetY.length === n && params.offsetX.length === n && params.flip.length === n,
    () =>
      `Error in applyAugment: params are for ${params.offsetY.length} examples but the batch has ${n}`
  )
  for (let e = 0; e < n; e++) {
    tf.util.assert(
      params.offsetY[e] >= 0 &&
        params.offsetY[e] <= 2 * padding &&
        params.offsetX[e] >= 0 &&
        params.offsetX[e] <= 2 * padding,
      () =>
        `Error in applyAugment: example ${e} has offsets (${params.offsetY[e]}, ${params.offsetX[e]}) ` +
        `outside [0, ${2 * padding}]`
    )
  }
  return tf.getBackend() === 'cpu'
    ? augmentByGather(x, params, padding)
    : augmentByTransform(x, params, padding)
}

function augmentByTransform(x: tf.Tensor4D, params: AugmentParams, padding: number): tf.Tensor4D {
  const [n, , w] = x.shape
  // Rows [a0, a1, a2, b0, b1, b2, c0, c1]: input (x, y) = (a0·x + a1·y + a2, b0·x + b1·y + b2).
  const transforms = new Float32Array(n * 8)
  for (let e = 0; e < n; e++) {
    const dy = params.offsetY[e] - padding
    const dx = params.offsetX[e] - padding
    const flip = params.flip[e] === 1
    transforms.set([flip ? -1 : 1, 0, flip ? w - 1 + dx : dx, 0, 1, dy, 0, 0], e * 8)
  }
  return tf.tidy(() =>
    tf.image.transform(x, tf.tensor2d(transforms, [n, 8]), 'nearest', 'constant', 0)
  )
}

function augmentByGather(x: tf.Tensor4D, params: AugmentParams, padding: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  const size = n * h * w * c
  const zero = size // the index of the zero appended after the flattened batch
  const indices = new Int32Array(size)
  let k = 0
  for (let e = 0; e < n; e++) {
    const dy = params.offsetY[e] - padding
    const dx = params.offsetX[e] - padding
    const flip = params.flip[e] === 1
    const base = e * h * w * c
    for (let i = 0; i < h; i++) {
      const sy = i + dy
      const rowInside = sy >= 0 && sy < h
      for (let j = 0; j < w; j++) {
        const sx = (flip ? w - 1 - j : j) + dx
        const inside = rowInside && sx >= 0 && sx < w
        const src = base + (sy * w + sx) * c
        for (let ch = 0; ch < c; ch++) indices[k++] = inside ? src + ch : zero
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.concat([tf.reshape(x, [size]), tf.zeros([1], x.dtype)])
    return tf.reshape(tf.gather(flat, tf.tensor1d(indices, 'int32')), [n, h, w, c])
  })
}

function checkOptions(options: AugmentOptions): void {
  tf.util.assert(
    Number.isInteger(options.cropPadding) && options.cropPadding >= 0,
    () =>
      `Error in augmentBatch: cropPadding must be a whole number ≥ 0, got ${options.cropPadding}`
  )
}
