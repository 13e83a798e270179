/**
 * Input gradients of convolutions on oneDNN (its backward-data pass): `Conv2DBackpropInput`
 * (also what `conv2dTranspose` runs) and `DepthwiseConv2dNativeBackpropInput`, which the wasm
 * backend lacks.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { LINEAR, convParams } from './native-params'
import { assertDyFits, convInfo, type ConvAttrs } from './native-conv-info'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

interface BackpropInputAttrs extends ConvAttrs {
  inputShape: [number, number, number, number]
}

function backpropInput(
  addon: NativeAddon,
  depthwise: boolean,
  kernelName: string
): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const dy = kernelInput(inputs, 'dy', kernelName)
    const filter = kernelInput(inputs, 'filter', kernelName)
    const a = attrs as unknown as BackpropInputAttrs
    if (!nativeHandles([dy, filter], a.dataFormat)) return undefined
    if (dy.shape.length !== 4 || filter.shape.length !== 4 || a.inputShape.length !== 4)
      return undefined
    if (a.inputShape[3] !== filter.shape[2]) return undefined
    const info = convInfo(a.inputShape, filter.shape, a, depthwise)
    assertDyFits(kernelName, dy, info, `inputShape [${a.inputShape}] with filter [${filter.shape}]`)
    return runNative(addon.convBackwardData, backend, [...a.inputShape], (dx, offsetOf) =>
      convParams(info, depthwise ? info.inChannels : 1, LINEAR, 0, {
        src: dx,
        weights: offsetOf(filter),
        dst: offsetOf(dy),
        bias: -1
      })
    )
  }
}

export function registerNativeConv2DBackpropInput(addon: NativeAddon): string[] {
  const kernels: [string, boolean][] = [
    [tf.Conv2DBackpropInput, false],
    [tf.DepthwiseConv2dNativeBackpropInput, true]
  ]
  return kernels
    .filter(([name, depthwise]) => overrideWasmKernel(name, backpropInput(addon, depthwise, name)))
    .map(([name]) => name)
}
