/**
 * Fast `Sum` and `Mean` on the wasm backend when they reduce every axis but the last (per-channel
 * reductions of NHWC tensors): one sequential pass in JavaScript on the wasm heap.
 *
 * Batch norm's statistics and the gradients of every per-channel broadcast (batch norm's scale and
 * shift, the conv bias) are such reductions, ~25 launches per small-cnn training step. wasm's kernel
 * (tfjs 4.22) first transposes the reduced axes to the end, then reduces: ~10 ms a launch for a
 * [64,28,28,16] input, ~20 % of a training step (`npm run bench:profile`). Accumulating in float64
 * (then rounding once to float32) is also more exact than the float32 sum it replaces. Any other
 * reduction, or a non-float32 input, keeps the native kernel.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from './kernel-input-tensor'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

const FAST = Symbol.for('flatline.wasm-channel-reduce-fast')

type MarkedKernelFunc = tf.KernelFunc & { [FAST]?: true }

function channelReduce(native: tf.KernelFunc, mean: boolean): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (params) => {
    const x = kernelInput(params.inputs, 'x', mean ? 'wasm Mean' : 'wasm Sum')
    const { axis, keepDims } = params.attrs as unknown as tf.SumAttrs
    const rank = x.shape.length
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b)
    const allButLast = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i)
    if (!allButLast || x.dtype !== 'float32') return native(params)
    const channels = x.shape[rank - 1]
    const backend = params.backend as BackendWasm
    const out = backend.makeOutput(
      keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels],
      'float32'
    )
    const values = backend.typedArrayFromHeap(x) as Float32Array
    const acc = new Float64Array(channels)
    for (let i = 0; i < values.length; i += channels)
      for (let c = 0; c < channels; c++) acc[c] += values[i + c]
    const rows = channels === 0 ? 0 : values.length / channels
    const result = backend.typedArrayFromHeap(out) as Float32Array
    for (let c = 0; c < channels; c++) result[c] = mean ? acc[c] / rows : acc[c]
    return out
  }
  kernelFunc[FAST] = true
  return kernelFunc
}

/** Wraps wasm's Sum and Mean (keeping their setup); returns the names this call wrapped. */
export function registerWasmChannelReduce(): string[] {
  const added: string[] = []
  for (const [name, mean] of [
    [tf.Sum, false],
    [tf.Mean, true]
  ] as const) {
    const native = tf.getKernel(name, 'wasm')
    if (native === undefined || (native.kernelFunc as MarkedKernelFunc)[FAST] === true) continue
    tf.unregisterKernel(name, 'wasm')
    tf.registerKernel({ ...native, kernelFunc: channelReduce(native.kernelFunc, mean) })
    added.push(name)
  }
  return added
}
