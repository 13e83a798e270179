/**
 * Pooling on oneDNN: `MaxPool`, `AvgPool` and their gradients `MaxPoolGrad` (on wasm a plain
 * loop that cost as much as every conv of a BIM step) and `AvgPoolGrad`. Average pooling leaves
 * padding out of the count, as tfjs does.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { poolParams } from './native-params'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

interface PoolAttrs {
  filterSize: number | [number, number]
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

function poolInfo(x: tf.TensorInfo, a: PoolAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode
  )
}

function pool(addon: NativeAddon, max: boolean, kernelName: string): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', kernelName)
    if (!nativeHandles([x]) || x.shape.length !== 4) return undefined
    const info = poolInfo(x, attrs as unknown as PoolAttrs)
    return runNative(addon.poolForward, backend, info.outShape, (y, offsetOf) =>
      poolParams(info, max, { x: offsetOf(x), y, dx: -1 })
    )
  }
}

function poolGrad(addon: NativeAddon, max: boolean, kernelName: string): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const dy = kernelInput(inputs, 'dy', kernelName)
    const input = kernelInput(inputs, 'input', kernelName)
    if (!nativeHandles([dy, input]) || input.shape.length !== 4) return undefined
    const info = poolInfo(input, attrs as unknown as PoolAttrs)
    tf.util.assert(
      tf.util.arraysEqual(dy.shape, info.outShape),
      () =>
        `Error in native ${kernelName}: dy has shape [${dy.shape}] but pooling input [${input.shape}] gives [${info.outShape}].`
    )
    return runNative(addon.poolBackward, backend, [...input.shape], (dx, offsetOf) =>
      poolParams(info, max, { x: max ? offsetOf(input) : -1, y: offsetOf(dy), dx })
    )
  }
}

export function registerNativePool(addon: NativeAddon): string[] {
  const kernels: [string, NativeKernelBody][] = [
    [tf.MaxPool, pool(addon, true, tf.MaxPool)],
    [tf.AvgPool, pool(addon, false, tf.AvgPool)],
    [tf.MaxPoolGrad, poolGrad(addon, true, tf.MaxPoolGrad)],
    [tf.AvgPoolGrad, poolGrad(addon, false, tf.AvgPoolGrad)]
  ]
  return kernels.filter(([name, body]) => overrideWasmKernel(name, body)).map(([name]) => name)
}
