/**
 * Pad: constant (tf.pad, negative amounts crop), reflect, edge and wrap (a gather of mirrored,
 * clamped or wrapped indices per axis, whose gradient is a segment sum). An NHWC image tensor is
 * padded in place along the corresponding NHWC axes.
 */
import * as tf from '@tensorflow/tfjs-core'
import { GraphValue, nhwcAxis } from '../graph-value'
import { required, type OpTable } from '../op-types'

function sourceIndex(i: number, dim: number, mode: string): number {
  if (mode === 'edge') return Math.max(0, Math.min(dim - 1, i))
  if (mode === 'wrap') return ((i % dim) + dim) % dim
  // reflect: mirror without repeating the edge value
  if (dim === 1) return 0
  const period = 2 * (dim - 1)
  const m = ((i % period) + period) % period
  return m < dim ? m : period - m
}

function padAxis(
  t: tf.Tensor,
  axis: number,
  before: number,
  after: number,
  mode: string,
  value: number
): tf.Tensor {
  if (before === 0 && after === 0) return t
  const dim = t.shape[axis]
  if (mode === 'constant' && before >= 0 && after >= 0) {
    const pads = t.shape.map((): [number, number] => [0, 0])
    pads[axis] = [before, after]
    return tf.pad(t, pads, value)
  }
  if (before < 0 || after < 0) {
    const begin = new Array(t.rank).fill(0)
    const size = [...t.shape]
    begin[axis] = Math.max(0, -before)
    size[axis] = dim - Math.max(0, -before) - Math.max(0, -after)
    return padAxis(
      tf.slice(t, begin, size),
      axis,
      Math.max(0, before),
      Math.max(0, after),
      mode,
      value
    )
  }
  const indices = Array.from({ length: dim + before + after }, (_, k) =>
    sourceIndex(k - before, dim, mode)
  )
  return tf.gather(t, tf.tensor1d(indices, 'int32'), axis)
}

export const PAD_OPS: OpTable = {
  Pad: {
    staticInputs: [1, 2, 3],
    check: (node) => {
      const mode = node.attrs.string('mode', 'constant')
      return ['constant', 'reflect', 'edge', 'wrap'].includes(mode) ? undefined : `mode="${mode}"`
    },
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const mode = node.attrs.string('mode', 'constant')
      const old = node.opset < 11
      const pads = old ? (node.attrs.ints('pads') ?? []) : required(inputs, 1, node).numbers()
      const value = old
        ? node.attrs.float('value', 0)
        : inputs[2]
          ? (inputs[2].numbers()[0] ?? 0)
          : 0
      const rank = x.rank
      const axes = (
        inputs[3] ? inputs[3].numbers() : Array.from({ length: rank }, (_, i) => i)
      ).map((a) => (a < 0 ? a + rank : a))
      const n = axes.length
      let t = x.nhwc ? x.tensor : x.onnx()
      axes.forEach((axis, k) => {
        t = padAxis(t, x.nhwc ? nhwcAxis(axis) : axis, pads[k], pads[k + n], mode, value)
      })
      const out = new GraphValue(t, x.nhwc)
      out.onnxType = x.onnxType
      return [out]
    }
  }
}
