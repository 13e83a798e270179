/**
 * Float32 arrays of a kernel's inputs and outputs, for our hand-written kernels on wasm (views of
 * the wasm heap) and cpu (the backend's own arrays). On wasm a view is only valid until the next
 * allocation (which may grow and detach the heap), so kernels allocate every output first and
 * take their views after.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

export interface KernelArrays {
  read(info: tf.TensorInfo): Float32Array
  alloc(shape: number[]): { info: tf.TensorInfo; values: () => Float32Array }
}

interface CpuBackendLike extends tf.KernelBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } }
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo
}

export function kernelArrays(backendName: 'wasm' | 'cpu', backend: unknown): KernelArrays {
  if (backendName === 'wasm') {
    const wasm = backend as BackendWasm
    return {
      read: (info) => wasm.typedArrayFromHeap(info) as Float32Array,
      alloc: (shape) => {
        const info = wasm.makeOutput(shape, 'float32')
        return { info, values: () => wasm.typedArrayFromHeap(info) as Float32Array }
      }
    }
  }
  const cpu = backend as CpuBackendLike
  return {
    read: (info) => cpu.data.get(info.dataId).values,
    alloc: (shape) => {
      const values = new Float32Array(tf.util.sizeFromShape(shape))
      return { info: cpu.makeTensorInfo(shape, 'float32', values), values: () => values }
    }
  }
}

/** Registers `kernelFunc(arrays, params)` for wasm and cpu unless already there; returns the backends added. */
export function registerArrayKernel(
  kernelName: string,
  kernelFunc: (
    arrays: KernelArrays,
    params: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }
  ) => tf.TensorInfo | tf.TensorInfo[]
): string[] {
  const added: string[] = []
  for (const backendName of ['wasm', 'cpu'] as const) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) =>
        kernelFunc(kernelArrays(backendName, backend), { inputs, attrs })
    })
    added.push(backendName)
  }
  return added
}
