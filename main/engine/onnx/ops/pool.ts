/**
 * MaxPool, AveragePool and the global pools: 2-D on NHWC tensors (pads, ceil_mode, dilations,
 * count_include_pad), 1-D as 2-D with a unit height, 3-D through tfjs's 3-D pools.
 */
import * as tf from '@tensorflow/tfjs-core'
import { nativeKernelActive } from '../../backend/native/override-wasm-kernel'
import { GraphValue } from '../graph-value'
import { required, type OpNode, type OpTable } from '../op-types'
import { hasPadding, windowAttributes, type WindowAttributes } from './spatial-padding'
import { maxPoolValid } from './max-pool'
import { padSpatial, windowTap } from './window-ops'

/** Padding for max pools: the lowest float32 (wasm's MaxPoolGrad mishandles −∞ padding). */
const LOWEST = -3.4028234663852886e38

function outSize(win: WindowAttributes, spatial: number[]): [number, number] {
  const out = spatial.map(
    (s, i) =>
      Math.floor(
        (s + win.pads[i][0] + win.pads[i][1] - ((win.kernel[i] - 1) * win.dilations[i] + 1)) /
          win.strides[i]
      ) + 1
  )
  return [out[0], out[1]]
}

function maxPool2d(x: tf.Tensor4D, win: WindowAttributes): tf.Tensor4D {
  // oneDNN's pooling and its gradient are exact (the first maximum of a window takes the gradient,
  // as PyTorch's): one launch each way with the pads in the kernel, where the gradient written in
  // forward ops (max-pool.ts) costs a dozen strided slices and pads per window tap.
  if (
    x.dtype === 'float32' &&
    win.dilations.every((d) => d === 1) &&
    nativeKernelActive(tf.MaxPool) &&
    nativeKernelActive(tf.MaxPoolGrad)
  )
    return tf.maxPool(
      x,
      [win.kernel[0], win.kernel[1]],
      [win.strides[0], win.strides[1]],
      [[0, 0], win.pads[0], win.pads[1], [0, 0]]
    )
  const floatX = x.dtype === 'float32' ? x : tf.cast(x, 'float32')
  const padded = hasPadding(win.pads) ? padSpatial(floatX, win.pads, LOWEST) : floatX
  const y = maxPoolValid(padded, win)
  return x.dtype === 'float32' ? y : (tf.cast(y, x.dtype) as tf.Tensor4D)
}

function averagePool2d(
  x: tf.Tensor4D,
  win: WindowAttributes,
  countIncludePad: boolean
): tf.Tensor4D {
  const kernel: [number, number] = [win.kernel[0], win.kernel[1]]
  const strides: [number, number] = [win.strides[0], win.strides[1]]
  if (!hasPadding(win.pads)) return tf.avgPool(x, kernel, strides, 'valid')
  const sum = tf.avgPool(padSpatial(x, win.pads), kernel, strides, 'valid')
  // The divisor counts the input positions (and, with count_include_pad, the explicit pads) of each window.
  const ones = tf.ones([1, x.shape[1], x.shape[2], 1]) as tf.Tensor4D
  const counted = countIncludePad
    ? padSpatial(
        tf.pad(
          ones,
          [
            [0, 0],
            [win.pads[0][0], win.pads[0][1] - win.ceilExtra[0]],
            [win.pads[1][0], win.pads[1][1] - win.ceilExtra[1]],
            [0, 0]
          ],
          1
        ),
        [
          [0, win.ceilExtra[0]],
          [0, win.ceilExtra[1]]
        ]
      )
    : padSpatial(ones, win.pads)
  const fraction = tf.avgPool(counted, kernel, strides, 'valid')
  return tf.div(sum, fraction)
}

/** Runs a 2-D pool on a rank-3 (1-D) or rank-4 value; rank 5 goes through tfjs's 3-D pools. */
function pool(x: GraphValue, node: OpNode, kind: 'max' | 'average'): GraphValue {
  const kernel = node.attrs.ints('kernel_shape') ?? []
  const ceil = node.attrs.int('ceil_mode', 0) === 1
  const countIncludePad = node.attrs.int('count_include_pad', 0) === 1
  const win = windowAttributes(node, x.shape.slice(2), kernel, ceil)
  const run2d = (x4: tf.Tensor4D, w: WindowAttributes): tf.Tensor4D =>
    kind === 'max' ? maxPool2d(x4, w) : averagePool2d(x4, w, countIncludePad)
  if (x.rank === 4) return new GraphValue(run2d(x.nhwcTensor(), win), true)
  if (x.rank === 3) {
    const [n, c, l] = x.shape
    const w2: WindowAttributes = {
      kernel: [1, kernel[0]],
      strides: [1, win.strides[0]],
      dilations: [1, win.dilations[0]],
      pads: [[0, 0], win.pads[0]],
      ceilExtra: [0, win.ceilExtra[0]]
    }
    const y = run2d(tf.transpose(x.onnx().reshape([n, c, 1, l]), [0, 2, 3, 1]) as tf.Tensor4D, w2)
    return new GraphValue(tf.transpose(y, [0, 3, 1, 2]).reshape([n, c, y.shape[2]]))
  }
  const input = tf.transpose(x.onnx(), [0, 2, 3, 4, 1]) as tf.Tensor5D
  const padded = tf.pad(
    input,
    [[0, 0], ...win.pads, [0, 0]],
    kind === 'max' ? -Infinity : 0
  ) as tf.Tensor5D
  const k = win.kernel as [number, number, number]
  const s = win.strides as [number, number, number]
  // wasm's MaxPool3D starts from FLT_MIN, not −∞, so all-negative windows come out wrong: pool x − min(x).
  const low =
    kind === 'max' ? tf.min(tf.where(tf.isFinite(padded), padded, tf.zerosLike(padded))) : undefined
  let y = low
    ? tf.add(tf.maxPool3d(tf.sub(padded, low) as tf.Tensor5D, k, s, 'valid'), low)
    : tf.avgPool3d(padded, k, s, 'valid')
  if (kind === 'average' && !countIncludePad && hasPadding(win.pads)) {
    const ones = tf.pad(tf.ones([1, input.shape[1], input.shape[2], input.shape[3], 1]), [
      [0, 0],
      ...win.pads,
      [0, 0]
    ]) as tf.Tensor5D
    y = tf.div(y, tf.avgPool3d(ones, k, s, 'valid'))
  }
  return new GraphValue(tf.transpose(y, [0, 4, 1, 2, 3]))
}

/** MaxPool's Indices output: each maximum's flat position in the NCHW input (row- or column-major per storage_order). */
function maxIndices(x: GraphValue, node: OpNode): GraphValue {
  const [n, c, h, w] = x.shape
  const win = windowAttributes(
    node,
    [h, w],
    node.attrs.ints('kernel_shape') ?? [],
    node.attrs.int('ceil_mode', 0) === 1
  )
  const columnMajor = node.attrs.int('storage_order', 0) === 1
  const out = outSize(win, [h, w])
  const padded = padSpatial(x.nhwcTensor(), win.pads, LOWEST)
  const positions = new Int32Array(
    (h + win.pads[0][0] + win.pads[0][1]) * (w + win.pads[1][0] + win.pads[1][1])
  )
  const pw = w + win.pads[1][0] + win.pads[1][1]
  for (let i = 0; i < positions.length; i++) {
    const row = Math.floor(i / pw) - win.pads[0][0]
    const col = (i % pw) - win.pads[1][0]
    positions[i] = columnMajor ? col * h + row : row * w + col
  }
  const place = tf.tensor4d(positions, [1, padded.shape[1], padded.shape[2], 1])
  let best = windowTap(padded, 0, 0, out, win.strides, win.dilations)
  let index = tf.tile(windowTap(place, 0, 0, out, win.strides, win.dilations), [n, 1, 1, c])
  for (let i = 0; i < win.kernel[0]; i++)
    for (let j = 0; j < win.kernel[1]; j++) {
      if (!i && !j) continue
      const v = windowTap(padded, i, j, out, win.strides, win.dilations)
      const better = tf.greater(v, best)
      best = tf.where(better, v, best)
      index = tf.where(
        better,
        tf.tile(windowTap(place, i, j, out, win.strides, win.dilations), [n, 1, 1, c]),
        index
      )
    }
  const plane = tf.reshape(tf.mul(tf.range(0, n * c, 1, 'int32'), h * w), [n, 1, 1, c])
  return new GraphValue(tf.add(index, plane), true)
}

function poolCheck(node: OpNode): string | undefined {
  const kernel = node.attrs.ints('kernel_shape')
  if (!kernel || kernel.length < 1 || kernel.length > 3)
    return `kernel_shape of ${kernel?.length ?? 0} axes`
  if (node.outputs.length > 1 && node.outputs[1] && kernel.length !== 2)
    return 'the Indices output of a non-2-D pool'
  if (kernel.length === 3 && (node.attrs.ints('dilations') ?? []).some((d) => d !== 1))
    return 'dilated 3-D pooling'
  return undefined
}

/** Mean or max over every spatial axis, keeping them as size 1. */
function globalPool(x: GraphValue, kind: 'max' | 'average'): GraphValue {
  const reduce = (t: tf.Tensor, axes: number[]): tf.Tensor =>
    kind === 'max' ? tf.max(t, axes, true) : tf.mean(t, axes, true)
  if (x.rank === 4) return new GraphValue(reduce(x.nhwcTensor(), [1, 2]), true)
  const axes = x.shape.slice(2).map((_, i) => i + 2)
  return new GraphValue(reduce(x.onnx(), axes))
}

export const POOL_OPS: OpTable = {
  MaxPool: {
    check: poolCheck,
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const y = pool(x, node, 'max')
      return node.outputs[1] ? [y, maxIndices(x, node)] : [y]
    }
  },
  AveragePool: {
    check: poolCheck,
    run: (inputs, { node }) => [pool(required(inputs, 0, node), node, 'average')]
  },
  GlobalAveragePool: {
    run: (inputs, { node }) => [globalPool(required(inputs, 0, node), 'average')]
  },
  GlobalMaxPool: { run: (inputs, { node }) => [globalPool(required(inputs, 0, node), 'max')] }
}
