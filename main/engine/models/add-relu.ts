/**
 * relu(a + b), the join of a residual block: one launch each way where the native kernels run
 * (backend/native/native-add-relu.ts), else tfjs's add and relu.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ADD_RELU } from '../backend/native/native-add-relu'
import { nativeKernelActive } from '../backend/native/override-wasm-kernel'

export function addRelu<T extends tf.Tensor>(a: T, b: T): T {
  const fused =
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    tf.util.arraysEqual(a.shape, b.shape) &&
    nativeKernelActive(ADD_RELU)
  if (!fused) return tf.relu(tf.add(a, b)) as T
  return tf.engine().runKernel(ADD_RELU, { a, b }) as T
}
