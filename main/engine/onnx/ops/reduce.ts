/**
 * ReduceMean and Softmax. ReduceMean over the spatial axes of an NHWC image tensor (timm's global
 * pooling) stays NHWC; Softmax before opset 13 normalises over all axes from `axis` on.
 */
import * as tf from '@tensorflow/tfjs-core'
import { GraphValue, nhwcAxis } from '../graph-value'
import { required, type OpTable } from '../op-types'

export const REDUCE_OPS: OpTable = {
  ReduceMean: {
    staticInputs: [1],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const rank = x.rank
      const keep = node.attrs.int('keepdims', 1) === 1
      const given = node.opset < 18 ? node.attrs.ints('axes') : inputs[1]?.numbers()
      if ((!given || given.length === 0) && node.attrs.int('noop_with_empty_axes', 0) === 1)
        return [x]
      const axes = (given && given.length ? given : Array.from({ length: rank }, (_, i) => i)).map(
        (a) => (a < 0 ? a + rank : a)
      )
      const spatialOnly = axes.includes(2) && axes.includes(3) && !axes.includes(1)
      if (x.nhwc && (keep || spatialOnly)) {
        const y = tf.mean(
          x.tensor,
          axes.map((a) => nhwcAxis(a)),
          keep
        )
        // Without kept axes the NHWC result has ONNX's order already (the survivors are N and C).
        return [new GraphValue(y, keep)]
      }
      return [new GraphValue(tf.mean(x.onnx(), axes, keep))]
    }
  },
  Softmax: {
    run(inputs, { node }) {
      const t = required(inputs, 0, node).onnx()
      const rank = t.rank
      const rawAxis = node.attrs.int('axis', node.opset < 13 ? 1 : -1)
      const axis = rawAxis < 0 ? rawAxis + rank : rawAxis
      if (node.opset < 13) {
        const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1)
        return [new GraphValue(tf.softmax(t.reshape([outer, -1])).reshape(t.shape))]
      }
      if (axis === rank - 1) return [new GraphValue(tf.softmax(t))]
      const perm = t.shape.map((_, i) => i)
      perm[axis] = rank - 1
      perm[rank - 1] = axis
      return [new GraphValue(tf.transpose(tf.softmax(tf.transpose(t, perm)), perm))]
    }
  }
}
