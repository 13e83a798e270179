/**
 * Ops that move data without arithmetic: Shape, Reshape, Flatten, Transpose, Concat, Split,
 * Slice, Gather, Squeeze, Unsqueeze and Constant. Shape-like inputs (target shapes, axes, starts,
 * indices) are read as host numbers. Older opsets take some of them as attributes instead.
 */
import * as tf from '@tensorflow/tfjs-core'
import { GraphValue, nhwcAxis } from '../graph-value'
import type { NodeAttributes } from '../node-attributes'
import { required, type OpNode, type OpTable } from '../op-types'
import { DataType } from '../onnx-proto'
import { readTensor } from '../onnx-tensor'

const positive = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis)

/** An attribute (before `inputSince`) or a static input (from it on). */
function listArgument(
  inputs: (GraphValue | undefined)[],
  index: number,
  node: OpNode,
  attr: string,
  inputSince: number
): number[] | undefined {
  if (node.opset < inputSince) return node.attrs.ints(attr)
  return inputs[index] ? inputs[index].numbers() : undefined
}

/** Indices start, start+step, … of a numpy slice over an axis of length `dim`. */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v))
  let s = start < 0 ? start + dim : start
  let e = end < 0 ? end + dim : end
  if (step > 0) {
    s = clamp(s, 0, dim)
    e = clamp(e, 0, dim)
  } else {
    s = clamp(s, -1, dim - 1)
    e = clamp(e, -1, dim - 1)
  }
  const out: number[] = []
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i)
  return out
}

function slice(
  x: tf.Tensor,
  starts: number[],
  ends: number[],
  axes: number[],
  steps: number[]
): tf.Tensor {
  let y = x
  axes.forEach((rawAxis, k) => {
    const axis = positive(rawAxis, x.rank)
    const dim = y.shape[axis]
    const indices = sliceIndices(dim, starts[k], ends[k], steps[k])
    if (steps[k] === 1) {
      const begin = new Array(y.rank).fill(0)
      const size = [...y.shape]
      begin[axis] = indices.length ? indices[0] : 0
      size[axis] = indices.length
      y = tf.slice(y, begin, size)
    } else {
      y = tf.gather(y, tf.tensor1d(indices, 'int32'), axis)
    }
  })
  return y
}

/** Constant's value from whichever attribute holds it. */
export function constantValue(attrs: NodeAttributes, baseDir?: string): GraphValue {
  const t = attrs.tensor('value', baseDir)
  if (t) {
    const v = new GraphValue(tf.tensor(t.values, t.shape, t.dtype))
    v.onnxType = t.onnxType
    return v
  }
  if (attrs.has('value_float')) return new GraphValue(tf.scalar(attrs.float('value_float', 0)))
  if (attrs.has('value_floats'))
    return new GraphValue(tf.tensor1d(attrs.floats('value_floats') ?? []))
  if (attrs.has('value_int')) return new GraphValue(tf.scalar(attrs.int('value_int', 0), 'int32'))
  if (attrs.has('value_ints'))
    return new GraphValue(tf.tensor1d(attrs.ints('value_ints') ?? [], 'int32'))
  throw new Error(
    `Constant has none of the attributes value, value_float(s), value_int(s) (found ${attrs.names().join(', ') || 'none'})`
  )
}

export { readTensor }

export const SHAPE_OPS: OpTable = {
  Shape: {
    run(inputs, { node }) {
      const shape = required(inputs, 0, node).shape
      const rank = shape.length
      const clampAxis = (a: number): number => Math.max(0, Math.min(rank, positive(a, rank)))
      const start = clampAxis(node.attrs.int('start', 0))
      const end = clampAxis(node.attrs.int('end', rank))
      const v = new GraphValue(tf.tensor1d(shape.slice(start, end), 'int32'))
      v.onnxType = DataType.INT64
      return [v]
    }
  },
  Reshape: {
    staticInputs: [1],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const wanted = required(inputs, 1, node).numbers()
      const allowZero = node.attrs.int('allowzero', 0) === 1
      const shape = wanted.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d))
      return [new GraphValue(tf.reshape(x.onnx(), shape))]
    }
  },
  Flatten: {
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const axis = positive(node.attrs.int('axis', 1), x.rank)
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1)
      return [new GraphValue(tf.reshape(x.onnx(), [outer, x.tensor.size / Math.max(outer, 1)]))]
    }
  },
  Transpose: {
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const perm = node.attrs.ints('perm') ?? x.shape.map((_, i) => x.rank - 1 - i)
      // An NHWC value is its ONNX tensor transposed by [0, 2, 3, 1]: compose the two permutations.
      if (x.nhwc)
        return [
          new GraphValue(
            tf.transpose(
              x.tensor,
              perm.map((p) => nhwcAxis(p))
            )
          )
        ]
      return [new GraphValue(tf.transpose(x.tensor, perm))]
    }
  },
  Concat: {
    run(inputs, { node }) {
      const values = inputs.filter((v): v is GraphValue => v !== undefined)
      const axis = node.attrs.int('axis', 1)
      if (values.every((v) => v.rank === 4) && values.some((v) => v.nhwc))
        return [
          new GraphValue(
            tf.concat(
              values.map((v) => v.nhwcTensor()),
              nhwcAxis(axis)
            ),
            true
          )
        ]
      const out = new GraphValue(
        tf.concat(
          values.map((v) => v.onnx()),
          positive(axis, values[0].rank)
        )
      )
      out.onnxType = values[0].onnxType
      return [out]
    }
  },
  Split: {
    staticInputs: [1],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const t = x.onnx()
      const axis = positive(node.attrs.int('axis', 0), t.rank)
      const dim = t.shape[axis]
      let sizes = listArgument(inputs, 1, node, 'split', 13)
      if (!sizes) {
        const parts = node.attrs.int('num_outputs', node.outputs.length)
        const each = Math.ceil(dim / parts)
        sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, dim - i * each)))
      }
      let offset = 0
      return sizes.map((size) => {
        const begin = new Array(t.rank).fill(0)
        begin[axis] = offset
        const shape = [...t.shape]
        shape[axis] = size
        offset += size
        return new GraphValue(tf.slice(t, begin, shape))
      })
    }
  },
  Slice: {
    staticInputs: [1, 2, 3, 4],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const t = x.onnx()
      const starts = listArgument(inputs, 1, node, 'starts', 10) ?? []
      const ends = listArgument(inputs, 2, node, 'ends', 10) ?? []
      const axes = listArgument(inputs, 3, node, 'axes', 10) ?? starts.map((_, i) => i)
      const steps =
        (node.opset >= 10 && inputs[4] ? inputs[4].numbers() : undefined) ?? starts.map(() => 1)
      const out = new GraphValue(slice(t, starts, ends, axes, steps))
      out.onnxType = x.onnxType
      return [out]
    }
  },
  Gather: {
    staticInputs: [1],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const t = x.onnx()
      const indicesValue = required(inputs, 1, node)
      const axis = positive(node.attrs.int('axis', 0), t.rank)
      const dim = t.shape[axis]
      const indices = indicesValue.numbers().map((i) => (i < 0 ? i + dim : i))
      const indexShape = indicesValue.shape
      const flat = tf.gather(t, tf.tensor1d(indices, 'int32'), axis)
      const shape = [...t.shape.slice(0, axis), ...indexShape, ...t.shape.slice(axis + 1)]
      const out = new GraphValue(tf.reshape(flat, shape))
      out.onnxType = x.onnxType
      return [out]
    }
  },
  Squeeze: {
    staticInputs: [1],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const t = x.onnx()
      const axes = listArgument(inputs, 1, node, 'axes', 13)?.map((a) => positive(a, t.rank))
      const out = new GraphValue(
        tf.reshape(
          t,
          t.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1))
        )
      )
      out.onnxType = x.onnxType
      return [out]
    }
  },
  Unsqueeze: {
    staticInputs: [1],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const t = x.onnx()
      const given = listArgument(inputs, 1, node, 'axes', 13) ?? []
      const rank = t.rank + given.length
      const axes = new Set(given.map((a) => positive(a, rank)))
      const shape: number[] = []
      let k = 0
      for (let i = 0; i < rank; i++) shape.push(axes.has(i) ? 1 : t.shape[k++])
      const out = new GraphValue(tf.reshape(t, shape))
      out.onnxType = x.onnxType
      return [out]
    }
  },
  Constant: {
    run(_inputs, { node }) {
      return [constantValue(node.attrs)]
    }
  }
}
