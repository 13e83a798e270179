/**
 * Gemm and MatMul. 2-D products go through the engine's matMul2d, whose gradient avoids the
 * transposed matmuls that are slow on wasm (models/matmul-fast-grad.ts); Gemm's transB (PyTorch's
 * Linear weight is [out, in]) becomes an explicit transpose for the same reason.
 */
import * as tf from '@tensorflow/tfjs-core'
import { matMul2d } from '../../models/matmul-fast-grad'
import { GraphValue } from '../graph-value'
import { required, type OpTable } from '../op-types'

function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank === 2 && b.rank === 2) return matMul2d(a as tf.Tensor2D, b as tf.Tensor2D)
  // numpy semantics: a 1-D operand gains a unit axis that is removed again from the result.
  const a2 = a.rank === 1 ? a.reshape([1, a.shape[0]]) : a
  const b2 = b.rank === 1 ? b.reshape([b.shape[0], 1]) : b
  let y = tf.matMul(a2, b2)
  if (a.rank === 1) y = tf.squeeze(y, [y.rank - 2])
  if (b.rank === 1) y = tf.squeeze(y, [y.rank - 1])
  return y
}

export const LINEAR_OPS: OpTable = {
  Gemm: {
    run(inputs, { node }) {
      let a = required(inputs, 0, node).onnx()
      let b = required(inputs, 1, node).onnx()
      if (a.rank !== 2) a = a.reshape([a.shape[0], -1])
      if (node.attrs.int('transA', 0)) a = tf.transpose(a)
      if (node.attrs.int('transB', 0)) b = tf.transpose(b)
      const alpha = node.attrs.float('alpha', 1)
      const beta = node.attrs.float('beta', 1)
      let y = matMul2d(a as tf.Tensor2D, b as tf.Tensor2D) as tf.Tensor
      if (alpha !== 1) y = tf.mul(y, alpha)
      const c = inputs[2]
      if (c && beta !== 0) y = tf.add(y, beta === 1 ? c.onnx() : tf.mul(c.onnx(), beta))
      return [new GraphValue(y)]
    }
  },
  MatMul: {
    run(inputs, { node }) {
      return [
        new GraphValue(matMul(required(inputs, 0, node).onnx(), required(inputs, 1, node).onnx()))
      ]
    }
  }
}
