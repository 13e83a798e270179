/**
 * `x · w` whose gradient avoids transposed matmuls.
 *
 * tfjs's MatMul gradient is `dy · wᵀ` and `xᵀ · dy`, computed with the transpose flags; on the
 * wasm backend (tfjs 4.22) a flagged 512×512 matmul takes 10–25× as long as a plain one (e.g.
 * 490 ms vs 21 ms for transposeA), while an explicit `transpose` then a plain matmul takes about
 * twice the plain time. Dense layers dominate MLP-Mixer and MLP training, so they use this.
 * The native matmul reads a transposed operand through its strides, so with it the flagged form is
 * two launches where this is four.
 */
import * as tf from '@tensorflow/tfjs-core'
import { nativeKernelActive } from '../backend/native/override-wasm-kernel'

const matMulFastGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]
  save([x, w])
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D]
      if (nativeKernelActive(tf.BatchMatMul))
        return [
          tf.matMul(dy as tf.Tensor2D, ws, false, true),
          tf.matMul(xs, dy as tf.Tensor2D, true, false)
        ]
      return [
        tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)),
        tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)
      ]
    }
  }
})

export function matMul2d(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return matMulFastGrad(x, w) as tf.Tensor2D
}
