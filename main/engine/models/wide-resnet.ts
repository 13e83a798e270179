/**
 * Wide ResNet WRN-d-k (WRN-16-8, WRN-28-10).
 *
 * Zagoruyko & Komodakis, "Wide Residual Networks", BMVC 2016, https://arxiv.org/abs/1605.07146.
 * Three stages of (d−4)/6 pre-activation basic blocks (BN-ReLU-3×3 conv twice) with widths
 * 16k/32k/64k and strides 1/2/2, a 3×3 stem with 16 channels, then BN-ReLU, global average pool
 * and a linear head. Where the shape changes the shortcut is a 1×1 conv of the block's
 * pre-activated input. Dropout is left out (the paper's CIFAR default for WRN-28-10 without
 * dropout). `width` is the stem's channels (paper: 16); stage widths scale with it.
 * Each block's shortcut is exposed through `ForwardContext.transformSkip` and its residual branch
 * through `transformResidual`, under the block's name.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import { BnReluConv } from './bn-relu-conv'
import type { Classifier, ModelConfig } from './classifier'
import { tapFeature, type ForwardContext } from './forward-context'
import { BatchNorm, Conv2d, Dense, globalAveragePool } from './layers'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'

export const WRN_SHAPES = {
  'wrn-16-8': { depth: 16, widen: 8 },
  'wrn-28-10': { depth: 28, widen: 10 }
} as const satisfies Record<string, { depth: number; widen: number }>

class WideBlock {
  private readonly first: BnReluConv
  private readonly second: BnReluConv
  private readonly projection?: Conv2d

  constructor(
    params: ModelParams,
    readonly name: string,
    inChannels: number,
    outChannels: number,
    stride: number
  ) {
    this.first = new BnReluConv(params, `${name}/a`, inChannels, outChannels, 3, stride)
    this.second = new BnReluConv(params, `${name}/b`, outChannels, outChannels, 3)
    if (stride !== 1 || inChannels !== outChannels)
      this.projection = new Conv2d(
        params,
        `${name}/shortcut/conv`,
        inChannels,
        outChannels,
        1,
        stride
      )
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const a = this.first.preActivation(x, ctx)
    let residual = this.second.apply(this.first.convolve(a), ctx)
    if (ctx.transformResidual)
      residual = ctx.transformResidual(this.name, residual, !this.projection)
    let shortcut = this.projection ? this.projection.apply(a) : x
    if (ctx.transformSkip) shortcut = ctx.transformSkip(this.name, shortcut)
    return tf.add(residual, shortcut)
  }
}

export function buildWideResnet(
  shape: { depth: number; widen: number },
  config: ModelConfig,
  rng: Rng
): Classifier {
  const params = new ModelParams(rng)
  const perStage = (shape.depth - 4) / 6
  const base = config.width
  const stem = new Conv2d(params, 'stem/conv', config.inputShape[2], base, 3)
  const blocks: WideBlock[] = []
  let channels = base
  ;[1, 2, 4].forEach((multiple, stage) => {
    const out = base * multiple * shape.widen
    for (let i = 0; i < perStage; i++) {
      blocks.push(
        new WideBlock(params, `block${stage + 1}.${i}`, channels, out, i === 0 && stage > 0 ? 2 : 1)
      )
      channels = out
    }
  })
  const finalBn = new BatchNorm(params, 'final/bn', channels)
  const head = new Dense(params, 'head', channels, config.numClasses)
  return {
    config,
    params,
    skipConnections: blocks.map((b) => b.name),
    featureLayers: blocks.map((b) => b.name),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = stem.apply(normalizeInput(x, config))
      for (const block of blocks) h = tapFeature(ctx, block.name, block.apply(h, ctx))
      return head.apply(globalAveragePool(finalBn.apply(h, ctx, true)))
    }
  }
}
