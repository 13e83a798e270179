/**
 * Records the heavy kernel calls (those the native path replaces) that a function makes on the
 * wasm backend, grouped by kernel, input shapes and attributes, so a benchmark can replay each
 * distinct call on random inputs of the same shapes.
 */
import * as tf from '@tensorflow/tfjs-core'
import { BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from '../../main/engine/backend/batch-norm-kernels'

export const HEAVY_KERNELS = [
  tf.Conv2D,
  tf.FusedConv2D,
  tf.DepthwiseConv2dNative,
  tf.FusedDepthwiseConv2D,
  tf.Conv2DBackpropInput,
  tf.Conv2DBackpropFilter,
  tf.DepthwiseConv2dNativeBackpropInput,
  tf.DepthwiseConv2dNativeBackpropFilter,
  tf.BatchMatMul,
  tf._FusedMatMul,
  tf.MaxPool,
  tf.AvgPool,
  tf.MaxPoolGrad,
  tf.AvgPoolGrad,
  // Our training batch norm: oneDNN against its JavaScript kernels.
  BATCH_NORM_TRAIN,
  BATCH_NORM_GRAD
]

export interface RecordedCall {
  kernel: string
  inputs: Record<string, { shape: number[]; dtype: tf.DataType }>
  attrs: tf.NamedAttrMap
  /** Calls with these shapes and attributes. */
  count: number
  /** e.g. "x [64,28,28,1] filter [3,3,1,16] strides 1 pad same". */
  describe: string
  /** Random inputs of the recorded shapes, for replaying. */
  tensors: Record<string, tf.Tensor>
}

function describeCall(inputs: RecordedCall['inputs'], attrs: tf.NamedAttrMap): string {
  const shapes = Object.entries(inputs).map(([name, { shape }]) => `${name} [${shape}]`)
  const keep = ['strides', 'pad', 'filterSize', 'transposeA', 'transposeB', 'activation']
  const shown = keep
    .filter((k) => attrs[k] !== undefined && attrs[k] !== false)
    .map((k) => `${k} ${JSON.stringify(attrs[k])}`)
  return [...shapes, ...shown].join(' ')
}

/** Runs `f` once with every heavy wasm kernel wrapped to record its calls; returns them grouped. */
export function recordKernelCalls(f: () => void): RecordedCall[] {
  const byKey = new Map<string, RecordedCall>()
  const originals = HEAVY_KERNELS.map((name) => tf.getKernel(name, 'wasm')).filter(
    (k) => k !== undefined
  )
  for (const original of originals) {
    tf.unregisterKernel(original.kernelName, 'wasm')
    tf.registerKernel({
      ...original,
      kernelFunc: (params) => {
        const inputs = Object.fromEntries(
          Object.entries(params.inputs)
            .filter(([, t]) => t != null)
            .map(([name, t]) => [
              name,
              { shape: [...(t as tf.TensorInfo).shape], dtype: (t as tf.TensorInfo).dtype }
            ])
        )
        const attrs = params.attrs ?? {}
        const key = JSON.stringify([original.kernelName, inputs, attrs])
        const seen = byKey.get(key)
        if (seen) seen.count++
        else
          byKey.set(key, {
            kernel: original.kernelName,
            inputs,
            attrs,
            count: 1,
            describe: describeCall(inputs, attrs),
            tensors: {}
          })
        return original.kernelFunc(params)
      }
    })
  }
  try {
    f()
  } finally {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, 'wasm')
      tf.registerKernel(original)
    }
  }
  const calls = [...byKey.values()]
  for (const call of calls) {
    for (const [name, { shape, dtype }] of Object.entries(call.inputs)) {
      call.tensors[name] = tf.keep(
        dtype === 'float32' ? tf.randomUniform(shape, -1, 1, 'float32', 7) : tf.zeros(shape, dtype)
      )
    }
  }
  return calls
}
