/**
 * GoogLeNet (Inception v1) with batch norm, CIFAR form.
 *
 * Szegedy et al., "Going Deeper with Convolutions", CVPR 2015, https://arxiv.org/abs/1409.4842.
 * A 3×3 stem (192 channels), inception blocks 3a–3b, max pool, 4a–4e, max pool, 5a–5b, global
 * average pool, linear head (kuangliu/pytorch-cifar `models/googlenet.py`, which, like the
 * attack papers' CIFAR GoogLeNet, replaces the 5×5 branch by two 3×3 convs). Every conv is
 * conv-BN-ReLU. `width` scales every channel count, 64 being the paper's widths.
 * No residual shortcuts: the branches are concatenated.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { Classifier, ModelConfig } from './classifier'
import { ConvBn } from './conv-bn'
import { tapFeature, type ForwardContext } from './forward-context'
import { Dense, globalAveragePool } from './layers'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'
import { scaleChannels } from './scale-channels'

export const GOOGLENET_BASE_WIDTH = 64

/** [1×1, 3×3 reduce, 3×3, double-3×3 reduce, double-3×3, pool projection] of each block. */
const BLOCKS: [string, number[]][] = [
  ['a3', [64, 96, 128, 16, 32, 32]],
  ['b3', [128, 128, 192, 32, 96, 64]],
  ['pool', []],
  ['a4', [192, 96, 208, 16, 48, 64]],
  ['b4', [160, 112, 224, 24, 64, 64]],
  ['c4', [128, 128, 256, 24, 64, 64]],
  ['d4', [112, 144, 288, 32, 64, 64]],
  ['e4', [256, 160, 320, 32, 128, 128]],
  ['pool', []],
  ['a5', [256, 160, 320, 32, 128, 128]],
  ['b5', [384, 192, 384, 48, 128, 128]]
]

class InceptionBlock {
  private readonly b1: ConvBn
  private readonly b2: ConvBn[]
  private readonly b3: ConvBn[]
  private readonly b4: ConvBn
  readonly outChannels: number

  constructor(
    params: ModelParams,
    readonly name: string,
    inChannels: number,
    [n1, r3, n3, r5, n5, pool]: number[]
  ) {
    this.b1 = new ConvBn(params, `${name}/b1`, inChannels, n1, 1)
    this.b2 = [
      new ConvBn(params, `${name}/b2a`, inChannels, r3, 1),
      new ConvBn(params, `${name}/b2b`, r3, n3, 3)
    ]
    this.b3 = [
      new ConvBn(params, `${name}/b3a`, inChannels, r5, 1),
      new ConvBn(params, `${name}/b3b`, r5, n5, 3),
      new ConvBn(params, `${name}/b3c`, n5, n5, 3)
    ]
    this.b4 = new ConvBn(params, `${name}/b4`, inChannels, pool, 1)
    this.outChannels = n1 + n3 + n5 + pool
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const chain = (layers: ConvBn[]): tf.Tensor4D =>
      layers.reduce((h, layer) => layer.apply(h, ctx), x)
    const pooled = this.b4.apply(tf.maxPool(x, 3, 1, 'same'), ctx)
    return tf.concat([this.b1.apply(x, ctx), chain(this.b2), chain(this.b3), pooled], 3)
  }
}

export function buildGooglenet(config: ModelConfig, rng: Rng): Classifier {
  const params = new ModelParams(rng)
  const w = (c: number): number => scaleChannels(c, config.width, GOOGLENET_BASE_WIDTH)
  const stem = new ConvBn(params, 'stem', config.inputShape[2], w(192), 3)
  let channels = w(192)
  const stack: (InceptionBlock | 'pool')[] = BLOCKS.map(([name, widths]) => {
    if (name === 'pool') return 'pool'
    const block = new InceptionBlock(params, name, channels, widths.map(w))
    channels = block.outChannels
    return block
  })
  const head = new Dense(params, 'head', channels, config.numClasses)
  return {
    config,
    params,
    skipConnections: [],
    featureLayers: stack.flatMap((l) => (l === 'pool' ? [] : [l.name])),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = stem.apply(normalizeInput(x, config), ctx)
      for (const layer of stack)
        h =
          layer === 'pool'
            ? tf.maxPool(h, 3, 2, 'same')
            : tapFeature(ctx, layer.name, layer.apply(h, ctx))
      return head.apply(globalAveragePool(h))
    }
  }
}
