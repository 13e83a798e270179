/**
 * Element-wise ops: arithmetic with ONNX (numpy) broadcasting, activations and Clip. All keep an
 * NHWC image tensor NHWC, broadcasting the other operand into that order.
 */
import * as tf from '@tensorflow/tfjs-core'
import { broadcastNhwc, GraphValue } from '../graph-value'
import { DataType } from '../onnx-proto'
import { required, type OpImplementation, type OpTable } from '../op-types'

/** Runs `f` on the operands in one consistent layout: NHWC when an image operand is NHWC. */
export function inSameLayout(
  values: GraphValue[],
  f: (...ts: tf.Tensor[]) => tf.Tensor
): GraphValue {
  const image = values.find((v) => v.nhwc)
  const outRank = Math.max(...values.map((v) => v.rank))
  if (image && outRank === 4)
    return new GraphValue(
      f(...values.map((v) => (v === image || v.nhwc ? v.tensor : broadcastNhwc(v)))),
      true
    )
  return new GraphValue(f(...values.map((v) => v.onnx())))
}

function binary(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpImplementation {
  return {
    run(inputs, { node }) {
      const a = required(inputs, 0, node)
      const b = required(inputs, 1, node)
      const out = inSameLayout([a, b], (x, y) => {
        const r = op(x, y)
        // ONNX uint8 arithmetic wraps around; tfjs holds it as int32.
        return a.onnxType === DataType.UINT8 && b.onnxType === DataType.UINT8
          ? tf.mod(tf.add(tf.mod(r, 256), 256), 256)
          : r
      })
      out.onnxType = a.onnxType
      return [out]
    }
  }
}

function unary(
  f: (x: tf.Tensor, attrs: import('../node-attributes').NodeAttributes) => tf.Tensor
): OpImplementation {
  return {
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const out = new GraphValue(f(x.tensor, node.attrs), x.nhwc)
      out.onnxType = x.onnxType
      return [out]
    }
  }
}

/** Integer division truncates toward zero in ONNX (C semantics). */
function divide(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== 'int32') return tf.div(a, b)
  const q = tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32'))
  return tf.cast(tf.mul(tf.sign(q), tf.floor(tf.abs(q))), 'int32')
}

const SQRT1_2 = Math.SQRT1_2

export const ELEMENTWISE_OPS: OpTable = {
  Add: binary((a, b) => tf.add(a, b)),
  Sub: binary((a, b) => tf.sub(a, b)),
  Mul: binary((a, b) => tf.mul(a, b)),
  Div: binary(divide),
  Relu: unary((x) => tf.relu(x)),
  LeakyRelu: unary((x, a) => tf.leakyRelu(x, a.float('alpha', 0.01))),
  Sigmoid: unary((x) => tf.sigmoid(x)),
  HardSigmoid: unary((x, a) =>
    tf.clipByValue(tf.add(tf.mul(x, a.float('alpha', 0.2)), a.float('beta', 0.5)), 0, 1)
  ),
  HardSwish: unary((x) => tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 1 / 6), 0.5), 0, 1))),
  Erf: unary((x) => tf.erf(x)),
  Tanh: unary((x) => tf.tanh(x)),
  Identity: unary((x) => x),
  Gelu: {
    check: (node) =>
      ['none', 'tanh'].includes(node.attrs.string('approximate', 'none'))
        ? undefined
        : `approximate="${node.attrs.string('approximate', '')}"`,
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const t = x.tensor
      const y =
        node.attrs.string('approximate', 'none') === 'tanh'
          ? tf.mul(
              tf.mul(t, 0.5),
              tf.add(
                1,
                tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(t, tf.mul(0.044715, tf.pow(t, 3)))))
              )
            )
          : tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.mul(t, SQRT1_2))))
      return [new GraphValue(y, x.nhwc)]
    }
  },
  Clip: {
    staticInputs: [1, 2],
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const old = node.opset < 11
      const lo = old
        ? node.attrs.float('min', -Infinity)
        : inputs[1]
          ? inputs[1].numbers()[0]
          : -Infinity
      const hi = old
        ? node.attrs.float('max', Infinity)
        : inputs[2]
          ? inputs[2].numbers()[0]
          : Infinity
      // clipByValue's gradient passes where lo ≤ x ≤ hi, as PyTorch's hardtanh/relu6 does.
      const t = x.tensor
      // wasm's ClipByValue mishandles int32; integer tensors take minimum/maximum.
      const clipped =
        t.dtype === 'int32'
          ? tf.minimum(
              tf.maximum(t, tf.scalar(Math.max(lo, -(2 ** 31)), 'int32')),
              tf.scalar(Math.min(hi, 2 ** 31 - 1), 'int32')
            )
          : tf.clipByValue(t, lo, hi)
      const out = new GraphValue(lo <= hi ? clipped : tf.fill(t.shape, hi, x.dtype), x.nhwc)
      out.onnxType = x.onnxType
      return [out]
    }
  }
}
