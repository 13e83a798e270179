/**
 * The SGD-momentum update (`FlatlineSgdMomentum`, ../sgd-momentum-kernel.ts) in one native call
 * over every weight: the JavaScript kernel's arithmetic in C++, bit for bit the same (float32
 * rounding at each step, no fused multiply-add), on both threads for large tensors. In JavaScript
 * it took ~0.75 ms of CPU per step for small-resnet's 82k weights and grows with the weights
 * (ResNet-18: 11M).
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  registerSgdMomentumKernel,
  SGD_MOMENTUM_KERNEL,
  type SgdMomentumAttrs
} from '../sgd-momentum-kernel'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNativeOutputs } from './native-call'
import { sgdMomentumParams } from './native-params'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

function update(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const a = attrs as unknown as SgdMomentumAttrs
    const input = (name: string): tf.TensorInfo => kernelInput(inputs, name, SGD_MOMENTUM_KERNEL)
    const weights = Array.from({ length: a.count }, (_, i) => ({
      w: input(`w${i}`),
      g: input(`g${i}`),
      b: input(`b${i}`)
    }))
    const sizes = (t: tf.TensorInfo): number => tf.util.sizeFromShape(t.shape)
    for (const [i, { w, g, b }] of weights.entries()) {
      if (sizes(g) !== sizes(w) || sizes(b) !== sizes(w))
        throw new Error(
          `Error in ${SGD_MOMENTUM_KERNEL}: weight ${i} has ${sizes(w)} values, its gradient ${sizes(g)}, its buffer ${sizes(b)}`
        )
    }
    if (!nativeHandles(weights.flatMap(({ w, g, b }) => [w, g, b]))) return undefined
    const shapes = weights.map(({ w }) => [...w.shape])
    return runNativeOutputs(addon.sgdMomentum, backend, [...shapes, ...shapes], (outs, offsetOf) =>
      sgdMomentumParams(
        a,
        weights.map(({ w, g, b }, i) => ({
          length: sizes(w),
          w: offsetOf(w),
          g: offsetOf(g),
          b: offsetOf(b),
          newW: outs[i],
          newB: outs[a.count + i]
        }))
      )
    )
  }
}

/** Puts the native update in front of the JavaScript kernel; returns the kernel name when registered. */
export function registerNativeSgdMomentum(addon: NativeAddon): string[] {
  // An addon built before this kernel existed keeps the JavaScript one.
  if (typeof addon.sgdMomentum !== 'function') return []
  registerSgdMomentumKernel()
  return overrideWasmKernel(SGD_MOMENTUM_KERNEL, update(addon)) ? [SGD_MOMENTUM_KERNEL] : []
}
