/**
 * Conv and ConvTranspose: 1-D (as 2-D with a unit height), 2-D on NHWC tensors (groups,
 * depthwise, dilations, asymmetric pads, auto_pad) and 3-D (one group). ONNX weights are
 * [out, in/group, k…] (Conv) and [in, out/group, k…] (ConvTranspose); a one-group 2-D Conv's
 * weight is held as tfjs's [kh, kw, in, out] filter (onnx-graph.ts), the others are transposed to
 * it on every call.
 */
import * as tf from '@tensorflow/tfjs-core'
import { nativeKernelActive } from '../../backend/native/override-wasm-kernel'
import { GraphValue } from '../graph-value'
import { required, type OpNode, type OpTable } from '../op-types'
import { depthwiseConvValid } from './depthwise-conv'
import { hasPadding, windowAttributes, type WindowAttributes } from './spatial-padding'
import { dilateKernel, padSpatial } from './window-ops'

function kernelShapeOf(node: OpNode, weight: GraphValue): number[] {
  return node.attrs.ints('kernel_shape') ?? weight.shape.slice(2)
}

/** Conv of an NHWC input with an ONNX [M, C/g, kh, kw] weight (held as a filter or not). */
function conv2d(
  x: tf.Tensor4D,
  weightValue: GraphValue,
  group: number,
  win: WindowAttributes
): tf.Tensor4D {
  const strides: [number, number] = [win.strides[0], win.strides[1]]
  // The pads go to the conv kernel itself (its gradients take them too): no separate pad pass.
  const pads: tf.backend_util.ExplicitPadding = [[0, 0], win.pads[0], win.pads[1], [0, 0]]
  if (group === 1 && win.dilations.every((d) => d === 1))
    return tf.conv2d(x, weightValue.convFilter(), strides, pads)
  if (group === 1) {
    const kernel = dilateKernel(weightValue.convFilter(), win.dilations) as tf.Tensor4D
    const padded = hasPadding(win.pads) ? padSpatial(x, win.pads) : x
    return tf.conv2d(padded, kernel, strides, 'valid') as tf.Tensor4D
  }
  const weight = weightValue.onnx()
  const channels = x.shape[3]
  const [m, perGroup, kh, kw] = weight.shape
  if (perGroup === 1 && group === channels) {
    const kernel = dilateKernel(
      tf.transpose(weight.reshape([channels, m / channels, kh, kw]), [2, 3, 0, 1]),
      win.dilations
    ) as tf.Tensor4D
    // tfjs's own gradient asks for each input's gradient only when needed; its kernels run natively.
    if (
      nativeKernelActive(tf.DepthwiseConv2dNativeBackpropInput) &&
      nativeKernelActive(tf.DepthwiseConv2dNativeBackpropFilter)
    )
      return tf.depthwiseConv2d(x, kernel, strides, pads)
    return depthwiseConvValid(hasPadding(win.pads) ? padSpatial(x, win.pads) : x, kernel, strides)
  }
  const padded = hasPadding(win.pads) ? padSpatial(x, win.pads) : x
  const inputs = tf.split(padded, group, 3)
  const kernels = tf.split(
    dilateKernel(tf.transpose(weight, [2, 3, 1, 0]), win.dilations),
    group,
    3
  )
  return tf.concat(
    inputs.map(
      (xi, g) =>
        tf.conv2d(xi as tf.Tensor4D, kernels[g] as tf.Tensor4D, strides, 'valid') as tf.Tensor4D
    ),
    3
  )
}

/** Cuts or zero-extends the spatial axes of an NHWC tensor to [begin, begin + size). */
function window2d(y: tf.Tensor4D, begin: number[], size: number[]): tf.Tensor4D {
  const [, h, w] = y.shape
  return padSpatial(y, [
    [-begin[0], begin[0] + size[0] - h],
    [-begin[1], begin[1] + size[1] - w]
  ])
}

interface TransposeGeometry {
  begin: number[]
  size: number[]
}

/** ONNX's ConvTranspose output geometry: where the output window sits in the full transposed conv. */
function transposeGeometry(
  node: OpNode,
  spatial: number[],
  kernel: number[]
): TransposeGeometry & { strides: number[]; dilations: number[] } {
  const n = spatial.length
  const strides = node.attrs.ints('strides') ?? new Array(n).fill(1)
  const dilations = node.attrs.ints('dilations') ?? new Array(n).fill(1)
  const outputPadding = node.attrs.ints('output_padding') ?? new Array(n).fill(0)
  const explicit = node.attrs.ints('pads') ?? new Array(2 * n).fill(0)
  const autoPad = node.attrs.string('auto_pad', 'NOTSET')
  const outputShape = node.attrs.ints('output_shape')
  const begin: number[] = []
  const size: number[] = []
  for (let i = 0; i < n; i++) {
    const full =
      strides[i] * (spatial[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1
    const wanted = outputShape
      ? outputShape[outputShape.length - n + i]
      : autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER'
        ? spatial[i] * strides[i]
        : undefined
    if (wanted !== undefined) {
      const total = full - wanted
      const half = Math.floor(total / 2)
      begin.push(autoPad === 'SAME_UPPER' ? half : total - half)
      size.push(wanted)
    } else {
      begin.push(explicit[i])
      size.push(full - explicit[i] - explicit[i + n])
    }
  }
  return { begin, size, strides, dilations }
}

/** ConvTranspose of an NHWC input with an ONNX [C, M/g, kh, kw] weight. */
function convTranspose2d(
  x: tf.Tensor4D,
  weight: tf.Tensor,
  group: number,
  geo: ReturnType<typeof transposeGeometry>
): tf.Tensor4D {
  const [batch, h, w] = x.shape
  const kernel = dilateKernel(tf.transpose(weight, [2, 3, 1, 0]), geo.dilations) as tf.Tensor4D // [kh, kw, M/g, C]
  const [kh, kw, outPerGroup] = kernel.shape
  const full = [(h - 1) * geo.strides[0] + kh, (w - 1) * geo.strides[1] + kw]
  const strides: [number, number] = [geo.strides[0], geo.strides[1]]
  const run = (xi: tf.Tensor4D, ki: tf.Tensor4D): tf.Tensor4D =>
    tf.conv2dTranspose(xi, ki, [batch, full[0], full[1], outPerGroup], strides, 'valid')
  const y =
    group === 1
      ? run(x, kernel)
      : tf.concat(
          tf
            .split(x, group, 3)
            .map((xi, g) => run(xi as tf.Tensor4D, tf.split(kernel, group, 3)[g] as tf.Tensor4D)),
          3
        )
  return window2d(y, geo.begin, geo.size)
}

/** Runs a 2-D NHWC implementation on a 1-D ([N, C, L]) or 2-D value, returning the output value. */
function spatial2d(x: GraphValue, f: (x4: tf.Tensor4D) => tf.Tensor4D): GraphValue {
  if (x.rank === 4) return new GraphValue(f(x.nhwcTensor()), true)
  const [n, c, l] = x.shape as [number, number, number]
  const y = f(tf.transpose(x.onnx().reshape([n, c, 1, l]), [0, 2, 3, 1]) as tf.Tensor4D)
  return new GraphValue(tf.transpose(y, [0, 3, 1, 2]).reshape([n, y.shape[3], y.shape[2]]))
}

/** 2-D attributes for a 1-D node: a unit height axis first. */
function as2d(win: WindowAttributes): WindowAttributes {
  if (win.kernel.length === 2) return win
  return {
    kernel: [1, win.kernel[0]],
    strides: [1, win.strides[0]],
    dilations: [1, win.dilations[0]],
    pads: [[0, 0], win.pads[0]],
    ceilExtra: [0, win.ceilExtra[0]]
  }
}

function weight2d(weight: tf.Tensor): tf.Tensor {
  const [o, i, k] = weight.shape as number[]
  return weight.rank === 3 ? weight.reshape([o, i, 1, k]) : weight
}

function addBias(y: GraphValue, bias: GraphValue | undefined): GraphValue {
  if (!bias) return y
  if (y.nhwc) return new GraphValue(tf.add(y.tensor, bias.tensor), true)
  const shape = [1, bias.shape[0], ...new Array(y.rank - 2).fill(1)]
  return new GraphValue(tf.add(y.tensor, bias.tensor.reshape(shape)))
}

function spatialRankProblem(node: OpNode, group: number): string | undefined {
  const kernel = node.attrs.ints('kernel_shape')
  if (kernel && (kernel.length < 1 || kernel.length > 3)) return `${kernel.length}-D kernels`
  if (kernel?.length === 3 && group !== 1) return 'grouped 3-D convolution'
  return undefined
}

/** 3-D conv or transposed conv in NDHWC, one group. */
function conv3d(x: tf.Tensor, weight: tf.Tensor, node: OpNode, transpose: boolean): tf.Tensor {
  const spatial = x.shape.slice(2)
  const kernel = weight.shape.slice(2)
  const input = tf.transpose(x, [0, 2, 3, 4, 1]) as tf.Tensor5D
  const filter = tf.transpose(weight, [2, 3, 4, 1, 0]) as tf.Tensor5D
  if (!transpose) {
    const win = windowAttributes(node, spatial, kernel)
    const padded = tf.pad(input, [[0, 0], ...win.pads, [0, 0]]) as tf.Tensor5D
    const y = tf.conv3d(
      padded,
      filter,
      win.strides as [number, number, number],
      'valid',
      'NDHWC',
      win.dilations as [number, number, number]
    )
    return tf.transpose(y, [0, 4, 1, 2, 3])
  }
  const geo = transposeGeometry(node, spatial, kernel)
  const full = spatial.map((s, i) => (s - 1) * geo.strides[i] + kernel[i])
  // wasm's Conv3DBackpropInputV2 gives wrong values: a transposed conv is a conv of the zero-strided,
  // fully padded input with the flipped kernel (in and out channels swapped).
  let spread: tf.Tensor = input
  for (let axis = 1; axis <= 3; axis++) spread = zeroStrideAxis(spread, axis, geo.strides[axis - 1])
  spread = tf.pad(spread, [[0, 0], ...kernel.map((k): [number, number] => [k - 1, k - 1]), [0, 0]])
  const flipped = tf.reverse(tf.transpose(weight, [2, 3, 4, 0, 1]), [0, 1, 2]) as tf.Tensor5D
  let y: tf.Tensor = tf.conv3d(spread as tf.Tensor5D, flipped, 1, 'valid')
  y = tf.pad(y, [
    [0, 0],
    ...full.map((f, i): [number, number] => [0, Math.max(0, geo.begin[i] + geo.size[i] - f)]),
    [0, 0]
  ])
  y = tf.slice(y, [0, ...geo.begin, 0], [-1, ...geo.size, -1])
  return tf.transpose(y, [0, 4, 1, 2, 3])
}

/** Inserts s − 1 zeros between the entries along `axis`. */
function zeroStrideAxis(t: tf.Tensor, axis: number, s: number): tf.Tensor {
  if (s === 1) return t
  const len = t.shape[axis]
  const pre = t.shape.slice(0, axis).reduce((a, b) => a * b, 1)
  const post = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1)
  const spread = tf.pad(tf.reshape(t, [pre, len, 1, post]), [
    [0, 0],
    [0, 0],
    [0, s - 1],
    [0, 0]
  ])
  const cut = tf.slice(
    tf.reshape(spread, [pre, len * s, post]),
    [0, 0, 0],
    [pre, (len - 1) * s + 1, post]
  )
  const shape = [...t.shape]
  shape[axis] = (len - 1) * s + 1
  return tf.reshape(cut, shape)
}

export const CONV_OPS: OpTable = {
  Conv: {
    check: (node) => spatialRankProblem(node, node.attrs.int('group', 1)),
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const weight = required(inputs, 1, node)
      const group = node.attrs.int('group', 1)
      const kernel = kernelShapeOf(node, weight)
      if (kernel.length === 3)
        return [addBias(new GraphValue(conv3d(x.onnx(), weight.onnx(), node, false)), inputs[2])]
      const win = as2d(windowAttributes(node, x.shape.slice(2), kernel))
      return [
        addBias(
          spatial2d(x, (x4) =>
            conv2d(
              x4,
              weight.rank === 4 ? weight : new GraphValue(weight2d(weight.onnx())),
              group,
              win
            )
          ),
          inputs[2]
        )
      ]
    }
  },
  ConvTranspose: {
    check: (node) => spatialRankProblem(node, node.attrs.int('group', 1)),
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const weight = required(inputs, 1, node)
      const group = node.attrs.int('group', 1)
      const kernel = kernelShapeOf(node, weight)
      if (kernel.length === 3)
        return [addBias(new GraphValue(conv3d(x.onnx(), weight.onnx(), node, true)), inputs[2])]
      const geo = transposeGeometry(node, x.shape.slice(2), kernel)
      const geo2 =
        kernel.length === 2
          ? geo
          : {
              begin: [0, geo.begin[0]],
              size: [1, geo.size[0]],
              strides: [1, geo.strides[0]],
              dilations: [1, geo.dilations[0]]
            }
      return [
        addBias(
          spatial2d(x, (x4) => convTranspose2d(x4, weight2d(weight.onnx()), group, geo2)),
          inputs[2]
        )
      ]
    }
  }
}
