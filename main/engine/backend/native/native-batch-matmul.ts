/**
 * Matrix products on oneDNN: `BatchMatMul` (every `tf.matMul`, including the transposed products
 * of its gradient, which are strides here rather than copies) and `_FusedMatMul` (bias and
 * activation inside the kernel).
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { ACTIVATION_CODES, matMulParams } from './native-params'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

interface MatMulAttrs {
  transposeA: boolean
  transposeB: boolean
  activation?: string
  leakyreluAlpha?: number
}

const DEFAULT_LEAKY_ALPHA = 0.2

function matMul(addon: NativeAddon, fused: boolean, name: string): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const a = kernelInput(inputs, 'a', name)
    const b = kernelInput(inputs, 'b', name)
    const { bias, preluActivationWeights } = inputs
    const {
      transposeA,
      transposeB,
      activation: activationName,
      leakyreluAlpha
    } = attrs as unknown as MatMulAttrs
    const activation = ACTIVATION_CODES[fused ? (activationName ?? 'linear') : 'linear']
    if (activation === undefined || preluActivationWeights != null) return undefined
    if (!nativeHandles([a, b, bias ?? undefined]) || a.shape.length < 2 || b.shape.length < 2)
      return undefined
    const rankA = a.shape.length
    const rankB = b.shape.length
    const m = transposeA ? a.shape[rankA - 1] : a.shape[rankA - 2]
    const k = transposeA ? a.shape[rankA - 2] : a.shape[rankA - 1]
    const kB = transposeB ? b.shape[rankB - 1] : b.shape[rankB - 2]
    const n = transposeB ? b.shape[rankB - 2] : b.shape[rankB - 1]
    if (k !== kB) return undefined
    // Batch dimensions: equal, or one side a single matrix broadcast against the other's batch.
    const outerA = a.shape.slice(0, -2)
    const outerB = b.shape.slice(0, -2)
    const batchA = tf.util.sizeFromShape(outerA)
    const batchB = tf.util.sizeFromShape(outerB)
    let outer: number[]
    if (tf.util.arraysEqual(outerA, outerB)) outer = outerA
    else if (batchA === 1) outer = outerB
    else if (batchB === 1) outer = outerA
    else return undefined
    if (bias != null && (tf.util.sizeFromShape(bias.shape) !== n || bias.shape.at(-1) !== n))
      return undefined
    const geometry = { batchA, batchB, m, k, n, transposeA, transposeB }
    return runNative(addon.matmul, backend, [...outer, m, n], (out, offsetOf) =>
      matMulParams(geometry, activation, leakyreluAlpha ?? DEFAULT_LEAKY_ALPHA, {
        a: offsetOf(a),
        b: offsetOf(b),
        out,
        bias: offsetOf(bias ?? undefined)
      })
    )
  }
}

export function registerNativeBatchMatMul(addon: NativeAddon): string[] {
  const kernels: [string, boolean][] = [
    [tf.BatchMatMul, false],
    [tf._FusedMatMul, true]
  ]
  return kernels
    .filter(([name, fused]) => overrideWasmKernel(name, matMul(addon, fused, name)))
    .map(([name]) => name)
}
