/**
 * A kernel input as a `tf.Tensor`, so a kernel can be written with tfjs ops.
 *
 * Kernels receive `TensorInfo`s. When an op calls the kernel these are the op's own tensors, and
 * we use them as they are (never disposing them). A caller of `engine().runKernel` may instead pass a
 * bare `{ dataId, shape, dtype }`; we then wrap it in a new tensor and take a reference on its data,
 * so that disposing the wrapper (inside the kernel's `tf.tidy`) leaves the caller's data alone.
 */
import * as tf from '@tensorflow/tfjs-core'

export function kernelInputTensor(info: tf.TensorInfo, backend: tf.KernelBackend): tf.Tensor {
  if (info instanceof tf.Tensor) return info
  const wrapper = tf.engine().makeTensorFromTensorInfo(info, backend)
  backend.incRef(info.dataId)
  return wrapper
}

/** The named input of a kernel call, or a clear error naming the kernel when it is missing. */
export function kernelInput(
  inputs: tf.NamedTensorInfoMap,
  name: string,
  kernel: string
): tf.TensorInfo {
  const info = inputs[name]
  if (info === undefined || info === null) {
    throw new Error(
      `Error in ${kernel}: input '${name}' is missing; got inputs [${Object.keys(inputs)}].`
    )
  }
  return info
}
