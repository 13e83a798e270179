/**
 * Forward convolutions on oneDNN: `Conv2D`, `FusedConv2D` (bias and activation applied inside
 * oneDNN's kernel as post-ops), `DepthwiseConv2dNative` and `FusedDepthwiseConv2D` (a grouped
 * convolution with one group per input channel).
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { ACTIVATION_CODES, convParams } from './native-params'
import { convInfo, type ConvAttrs } from './native-conv-info'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

interface ForwardAttrs extends ConvAttrs {
  activation?: string
  leakyreluAlpha?: number
}

/** tfjs's default negative slope for a fused leaky ReLU. */
const DEFAULT_LEAKY_ALPHA = 0.2

function forward(
  addon: NativeAddon,
  kernelName: string,
  depthwise: boolean,
  fused: boolean
): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', kernelName)
    const filter = kernelInput(inputs, 'filter', kernelName)
    const { bias, preluActivationWeights } = inputs
    const a = attrs as unknown as ForwardAttrs
    const activation = ACTIVATION_CODES[fused ? (a.activation ?? 'linear') : 'linear']
    if (activation === undefined || preluActivationWeights != null) return undefined
    if (!nativeHandles([x, filter, bias ?? undefined], a.dataFormat)) return undefined
    if (x.shape.length !== 4 || filter.shape.length !== 4 || x.shape[3] !== filter.shape[2])
      return undefined
    const info = convInfo(x.shape, filter.shape, a, depthwise)
    // A bias the kernel can add per output channel; anything else broadcasts differently.
    if (
      bias != null &&
      (tf.util.sizeFromShape(bias.shape) !== info.outChannels ||
        bias.shape.at(-1) !== info.outChannels)
    ) {
      return undefined
    }
    const groups = depthwise ? info.inChannels : 1
    const alpha = a.leakyreluAlpha ?? DEFAULT_LEAKY_ALPHA
    return runNative(addon.convForward, backend, info.outShape, (y, offsetOf) =>
      convParams(info, groups, activation, alpha, {
        src: offsetOf(x),
        weights: offsetOf(filter),
        dst: y,
        bias: offsetOf(bias ?? undefined)
      })
    )
  }
}

/** Registers the four forward convolutions; returns the kernel names this call registered. */
export function registerNativeConv2D(addon: NativeAddon): string[] {
  const kernels: [string, boolean, boolean][] = [
    [tf.Conv2D, false, false],
    [tf.FusedConv2D, false, true],
    [tf.DepthwiseConv2dNative, true, false],
    [tf.FusedDepthwiseConv2D, true, true]
  ]
  return kernels
    .filter(([name, depthwise, fused]) =>
      overrideWasmKernel(name, forward(addon, name, depthwise, fused))
    )
    .map(([name]) => name)
}
