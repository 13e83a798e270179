/**
 * The parameter arrays the addon's kernels take, in the order of `native/src/kernels.h`:
 * the geometry first (oneDNN's primitive cache key), then the tensors' heap offsets (-1 = none).
 */
import type * as tf from '@tensorflow/tfjs-core'

/** Activation codes of the fused kernels (native/src/runtime.h). */
export const LINEAR = 0
export const ACTIVATION_CODES: Partial<Record<string, number>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  leakyrelu: 4,
  sigmoid: 5
}

export interface ConvOffsets {
  /** x (forward, backward-weights) or dx (backward-data). */
  src: number
  /** w (forward, backward-data) or dw (backward-weights). */
  weights: number
  /** y (forward) or dy (backward passes). */
  dst: number
  bias: number
}

/** N, H, W, C, OH, OW: how conv and pool parameters start (kernels.h). */
function nhwcInOut(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth
  ]
}

/** KH, KW, SH, SW: the window and its strides. */
function windowOf(info: tf.backend_util.Conv2DInfo): number[] {
  return [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth]
}

/** Conv parameters from tfjs's own conv info (depthwise: groups = input channels). */
export function convParams(
  info: tf.backend_util.Conv2DInfo,
  groups: number,
  activation: number,
  alpha: number,
  offsets: ConvOffsets
): Float64Array {
  return Float64Array.of(
    ...nhwcInOut(info),
    info.outChannels,
    ...windowOf(info),
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    groups,
    activation,
    alpha,
    offsets.bias >= 0 ? 1 : 0,
    offsets.src,
    offsets.weights,
    offsets.dst,
    offsets.bias
  )
}

export interface MatMulGeometry {
  batchA: number
  batchB: number
  m: number
  k: number
  n: number
  transposeA: boolean
  transposeB: boolean
}

export function matMulParams(
  g: MatMulGeometry,
  activation: number,
  alpha: number,
  offsets: { a: number; b: number; out: number; bias: number }
): Float64Array {
  return Float64Array.of(
    g.batchA,
    g.batchB,
    g.m,
    g.k,
    g.n,
    g.transposeA ? 1 : 0,
    g.transposeB ? 1 : 0,
    activation,
    alpha,
    offsets.bias >= 0 ? 1 : 0,
    offsets.a,
    offsets.b,
    offsets.out,
    offsets.bias
  )
}

/** Pool parameters from tfjs's pool info; `dx` is -1 for the forward pass. */
export function poolParams(
  info: tf.backend_util.Conv2DInfo,
  max: boolean,
  offsets: { x: number; y: number; dx: number }
): Float64Array {
  return Float64Array.of(
    ...nhwcInOut(info),
    ...windowOf(info),
    info.padInfo.top,
    info.padInfo.left,
    max ? 1 : 0,
    offsets.x,
    offsets.y,
    offsets.dx
  )
}

export function batchNormParams(
  x: tf.TensorInfo,
  epsilon: number,
  /** A ReLU follows (forward), or followed (backward: `out` is then the forward output). */
  relu: boolean,
  offsets: {
    x: number
    scale: number
    shift: number
    mean: number
    variance: number
    /** y going forward, dy going back. */
    y: number
    dx: number
    dscale: number
    dshift: number
    out: number
  }
): Float64Array {
  const [n, h, w, c] = x.shape
  const o = offsets
  return Float64Array.of(
    n,
    h,
    w,
    c,
    epsilon,
    relu ? 1 : 0,
    o.x,
    o.scale,
    o.shift,
    o.mean,
    o.variance,
    o.y,
    o.dx,
    o.dscale,
    o.dshift,
    o.out
  )
}

/** SGD-momentum parameters: the attributes, then per weight its length and five heap offsets (kernels.h's sgd). */
export function sgdMomentumParams(
  attrs: { count: number; lr: number; momentum: number; weightDecay: number },
  weights: { length: number; w: number; g: number; b: number; newW: number; newB: number }[]
): Float64Array {
  return Float64Array.from([
    attrs.count,
    attrs.lr,
    attrs.momentum,
    attrs.weightDecay,
    ...weights.flatMap((x) => [x.length, x.w, x.g, x.b, x.newW, x.newB])
  ])
}
