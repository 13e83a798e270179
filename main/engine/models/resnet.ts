/**
 * ResNet-18/34/50/101 in the CIFAR form.
 *
 * He et al., "Deep Residual Learning for Image Recognition", CVPR 2016,
 * https://arxiv.org/abs/1512.03385. The CIFAR stem (one 3×3 conv, stride 1, no max pool) and the
 * stage widths 64/128/256/512 with strides 1/2/2/2 follow the common CIFAR port used by the
 * transfer-attack literature (kuangliu/pytorch-cifar `models/resnet.py`): blocks per stage
 * [2,2,2,2] (18), [3,4,6,3] (34, 50), [3,4,23,3] (101); basic blocks for 18/34, bottleneck
 * blocks (1×1 → 3×3 → 1×1, expansion 4) for 50/101. Post-activation, projection shortcut
 * (1×1 conv + BN) where the shape changes. `width` is the first stage's channels (paper: 64).
 * Each block's shortcut is exposed through `ForwardContext.transformSkip` and its residual branch
 * through `transformResidual`, under the block's name.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { Classifier, ModelConfig } from './classifier'
import { ConvBn } from './conv-bn'
import type { ForwardContext } from './forward-context'
import { addRelu } from './add-relu'
import { Dense } from './layers'
import { ModelParams } from './model-params'
import { residualClassifier } from './residual-classifier'
import { scaleChannels } from './scale-channels'

export const RESNET_BASE_WIDTH = 64

export interface ResnetShape {
  blocks: [number, number, number, number]
  bottleneck: boolean
}

export const RESNET_SHAPES = {
  'resnet-18': { blocks: [2, 2, 2, 2], bottleneck: false },
  'resnet-34': { blocks: [3, 4, 6, 3], bottleneck: false },
  'resnet-50': { blocks: [3, 4, 6, 3], bottleneck: true },
  'resnet-101': { blocks: [3, 4, 23, 3], bottleneck: true }
} as const satisfies Record<string, ResnetShape>

/** A residual block: `branch` (conv stack) plus a shortcut, then ReLU. */
class ResidualBlock {
  private readonly branch: ConvBn[]
  private readonly projection?: ConvBn

  constructor(
    params: ModelParams,
    readonly name: string,
    inChannels: number,
    planes: number,
    stride: number,
    bottleneck: boolean
  ) {
    const out = bottleneck ? 4 * planes : planes
    this.branch = bottleneck
      ? [
          new ConvBn(params, `${name}/a`, inChannels, planes, 1),
          new ConvBn(params, `${name}/b`, planes, planes, 3, stride),
          new ConvBn(params, `${name}/c`, planes, out, 1, 1, false)
        ]
      : [
          new ConvBn(params, `${name}/a`, inChannels, planes, 3, stride),
          new ConvBn(params, `${name}/b`, planes, out, 3, 1, false)
        ]
    if (stride !== 1 || inChannels !== out)
      this.projection = new ConvBn(params, `${name}/shortcut`, inChannels, out, 1, stride, false)
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let residual = x
    for (const layer of this.branch) residual = layer.apply(residual, ctx)
    if (ctx.transformResidual)
      residual = ctx.transformResidual(this.name, residual, !this.projection)
    let shortcut = this.projection ? this.projection.apply(x, ctx) : x
    if (ctx.transformSkip) shortcut = ctx.transformSkip(this.name, shortcut)
    return addRelu(residual, shortcut)
  }
}

export function buildResnet(shape: ResnetShape, config: ModelConfig, rng: Rng): Classifier {
  const params = new ModelParams(rng)
  const w = (c: number): number => scaleChannels(c, config.width, RESNET_BASE_WIDTH)
  const stem = new ConvBn(params, 'stem', config.inputShape[2], w(64), 3)
  const blocks: ResidualBlock[] = []
  let inChannels = w(64)
  ;[64, 128, 256, 512].forEach((planes, stage) => {
    for (let i = 0; i < shape.blocks[stage]; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1
      const block = new ResidualBlock(
        params,
        `layer${stage + 1}.${i}`,
        inChannels,
        w(planes),
        stride,
        shape.bottleneck
      )
      blocks.push(block)
      inChannels = shape.bottleneck ? 4 * w(planes) : w(planes)
    }
  })
  const head = new Dense(params, 'head', inChannels, config.numClasses)
  return residualClassifier(config, params, stem, blocks, head)
}
