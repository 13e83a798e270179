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
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

interface BackpropInputAttrs {
  inputShape: [number, number, number, number]
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dataFormat?: 'NHWC' | 'NCHW'
  dilations?: number | [number, number]
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

function backpropInput(addon: NativeAddon, depthwise: boolean, kernelName: string): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const dy = kernelInput(inputs, 'dy', kernelName)
    const filter = kernelInput(inputs, 'filter', kernelName)
    const a = attrs as unknown as BackpropInputAttrs
    if (!nativeHandles([dy, filter], a.dataFormat)) return undefined
    if (dy.shape.length !== 4 || filter.shape.length !== 4 || a.inputShape.length !== 4) return undefined
    if (a.inputShape[3] !== filter.shape[2]) return undefined
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      a.pad,
      a.dimRoundingMode,
      depthwise,
      'channelsLast'
    )
    tf.util.assert(
      tf.util.arraysEqual(dy.shape, info.outShape),
      () =>
        `Error in native ${kernelName}: dy has shape [${dy.shape}] but a conv of inputShape [${a.inputShape}] ` +
        `with filter [${filter.shape}] gives [${info.outShape}].`
    )
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
