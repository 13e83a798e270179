/**
 * Small residual net: a stride-2 conv stem and three basic blocks (two 3×3 conv-BN with an
 * identity or 1×1-projection shortcut, post-activation as in torchvision ResNets), widths w, 2w,
 * 4w; ~5 MFLOP per 28×28 image for w = 16.
 * Every block's shortcut is exposed to attacks through `ForwardContext.transformSkip`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier, ModelConfig } from './classifier'
import type { ForwardContext } from './forward-context'
import { addRelu } from './add-relu'
import { applyConvBn } from './conv-bn-apply'
import { BatchNorm, Conv2d, ConvBnRelu, Dense } from './layers'
import { ModelParams } from './model-params'
import { residualClassifier } from './residual-classifier'
import type { Rng } from '../data/rng'

class BasicBlock {
  private readonly conv1: ConvBnRelu
  private readonly conv2: Conv2d
  private readonly bn2: BatchNorm
  private readonly projection?: { conv: Conv2d; bn: BatchNorm }

  constructor(
    params: ModelParams,
    readonly name: string,
    inChannels: number,
    outChannels: number,
    stride: number
  ) {
    this.conv1 = new ConvBnRelu(params, `${name}/a`, inChannels, outChannels, stride)
    this.conv2 = new Conv2d(params, `${name}/b/conv`, outChannels, outChannels, 3)
    this.bn2 = new BatchNorm(params, `${name}/b/bn`, outChannels)
    if (stride !== 1 || inChannels !== outChannels)
      this.projection = {
        conv: new Conv2d(params, `${name}/shortcut/conv`, inChannels, outChannels, 1, stride),
        bn: new BatchNorm(params, `${name}/shortcut/bn`, outChannels)
      }
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let residual = applyConvBn(this.conv2, this.bn2, this.conv1.apply(x, ctx), ctx, false)
    if (ctx.transformResidual)
      residual = ctx.transformResidual(this.name, residual, !this.projection)
    let shortcut = this.projection
      ? applyConvBn(this.projection.conv, this.projection.bn, x, ctx, false)
      : x
    if (ctx.transformSkip) shortcut = ctx.transformSkip(this.name, shortcut)
    return addRelu(residual, shortcut)
  }
}

export function buildSmallResnet(config: ModelConfig, rng: Rng): Classifier {
  const params = new ModelParams(rng)
  const w = config.width
  const stem = new ConvBnRelu(params, 'stem', config.inputShape[2], w, 2)
  const blocks = [
    new BasicBlock(params, 'block1', w, w, 1),
    new BasicBlock(params, 'block2', w, 2 * w, 2),
    new BasicBlock(params, 'block3', 2 * w, 4 * w, 2)
  ]
  const head = new Dense(params, 'head', 4 * w, config.numClasses)
  return residualClassifier(config, params, stem, blocks, head)
}
