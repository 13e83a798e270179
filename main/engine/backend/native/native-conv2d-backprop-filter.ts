/**
 * Filter gradients of convolutions on oneDNN (its backward-weights pass): `Conv2DBackpropFilter`
 * (on wasm otherwise our own kernel from tfjs ops) and `DepthwiseConv2dNativeBackpropFilter`,
 * which the wasm backend lacks.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { LINEAR, convParams } from './native-params'
import { assertDyFits, convInfo, type ConvAttrs } from './native-conv-info'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

interface BackpropFilterAttrs extends ConvAttrs {
  filterShape: [number, number, number, number]
}

function backpropFilter(
  addon: NativeAddon,
  depthwise: boolean,
  kernelName: string
): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', kernelName)
    const dy = kernelInput(inputs, 'dy', kernelName)
    const a = attrs as unknown as BackpropFilterAttrs
    if (!nativeHandles([x, dy], a.dataFormat)) return undefined
    if (x.shape.length !== 4 || dy.shape.length !== 4 || a.filterShape.length !== 4)
      return undefined
    if (x.shape[3] !== a.filterShape[2]) return undefined
    const info = convInfo(x.shape, a.filterShape, a, depthwise)
    assertDyFits(kernelName, dy, info, `x [${x.shape}] with filterShape [${a.filterShape}]`)
    return runNative(addon.convBackwardWeights, backend, [...a.filterShape], (dw, offsetOf) =>
      convParams(info, depthwise ? info.inChannels : 1, LINEAR, 0, {
        src: offsetOf(x),
        weights: dw,
        dst: offsetOf(dy),
        bias: -1
      })
    )
  }
}

export function registerNativeConv2DBackpropFilter(addon: NativeAddon): string[] {
  const kernels: [string, boolean][] = [
    [tf.Conv2DBackpropFilter, false],
    [tf.DepthwiseConv2dNativeBackpropFilter, true]
  ]
  return kernels
    .filter(([name, depthwise]) => overrideWasmKernel(name, backpropFilter(addon, depthwise, name)))
    .map(([name]) => name)
}
