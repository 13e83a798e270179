/**
 * Conv (any square kernel, stride) → batch norm, with an optional ReLU: the unit the paper's
 * CNN families stack. `ConvBnRelu` in layers.ts is the 3×3 special case kept for the small nets.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from './forward-context'
import { applyConvBn } from './conv-bn-apply'
import { BatchNorm, Conv2d } from './layers'
import type { ModelParams } from './model-params'

export class ConvBn {
  private readonly conv: Conv2d
  private readonly bn: BatchNorm

  constructor(
    params: ModelParams,
    name: string,
    inChannels: number,
    outChannels: number,
    size: number,
    stride = 1,
    private readonly relu = true
  ) {
    this.conv = new Conv2d(params, `${name}/conv`, inChannels, outChannels, size, stride)
    this.bn = new BatchNorm(params, `${name}/bn`, outChannels)
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return applyConvBn(this.conv, this.bn, x, ctx, this.relu)
  }
}
