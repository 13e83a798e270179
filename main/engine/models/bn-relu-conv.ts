/**
 * Batch norm → ReLU → conv, the pre-activation unit of DenseNet and Wide ResNet.
 * `preActivation` exposes BN→ReLU alone, which Wide ResNet's projection shortcut also reads.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from './forward-context'
import { BatchNorm, Conv2d } from './layers'
import type { ModelParams } from './model-params'

export class BnReluConv {
  private readonly bn: BatchNorm
  private readonly conv: Conv2d

  constructor(
    params: ModelParams,
    name: string,
    inChannels: number,
    outChannels: number,
    size: number,
    stride = 1
  ) {
    this.bn = new BatchNorm(params, `${name}/bn`, inChannels)
    this.conv = new Conv2d(params, `${name}/conv`, inChannels, outChannels, size, stride)
  }

  preActivation(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.bn.apply(x, ctx, true)
  }

  /** The conv alone, on an already pre-activated input. */
  convolve(a: tf.Tensor4D): tf.Tensor4D {
    return this.conv.apply(a)
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.conv.apply(this.preActivation(x, ctx))
  }
}
