/**
 * DenseNet-BC 121/161/201, CIFAR form.
 *
 * Huang et al., "Densely Connected Convolutional Networks", CVPR 2017,
 * https://arxiv.org/abs/1608.06993. Dense layers are BN-ReLU-1×1 conv (4k) → BN-ReLU-3×3 conv (k)
 * whose output is concatenated to their input; transitions halve the channels (compression 0.5)
 * and average-pool 2×2. Blocks [6,12,24,16] (121), [6,12,36,24] (161), [6,12,48,32] (201);
 * a 3×3 stem to 2k channels (kuangliu/pytorch-cifar `models/densenet.py`). `width` is the growth
 * rate k (paper: 32 for 121 and 201, 48 for 161).
 * Skips (a decision, docs/attacks.md §4): the concatenation `[F(x), x]` is DenseNet's skip, with the
 * carried features x in the role of a ResNet's identity shortcut and the new features F(x) in the role
 * of its residual branch. So SGM scales the gradient flowing back through F(x) by γ and keeps the
 * carried path's, as Wu et al.'s DenseNet code does (its backward hooks sit on the ReLUs inside the
 * dense layers, γ^½ each, never on the transitions); their DenseNet γ is 0.5 for iterative attacks
 * (the spec's default 0.2 is ResNet's: set `sgm.gamma` for a DenseNet surrogate). GN erodes the carried
 * features x per channel (λ ~ U[1 − r, 1 + r]) before the concatenation, the skip erosion of a ResNet
 * block. Both hooks run under the dense layer's name (`transformSkip`, `transformResidual` with
 * `identityShortcut` true); transitions are not skips and are left alone.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import { BnReluConv } from './bn-relu-conv'
import type { Classifier, ModelConfig } from './classifier'
import { tapFeature, type ForwardContext } from './forward-context'
import { BatchNorm, Conv2d, Dense, globalAveragePool } from './layers'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'

export const DENSENET_BLOCKS = {
  'densenet-121': [6, 12, 24, 16],
  'densenet-161': [6, 12, 36, 24],
  'densenet-201': [6, 12, 48, 32]
} as const satisfies Record<string, readonly number[]>

class DenseLayer {
  private readonly reduce: BnReluConv
  private readonly grow: BnReluConv

  constructor(
    params: ModelParams,
    readonly name: string,
    inChannels: number,
    growth: number
  ) {
    this.reduce = new BnReluConv(params, `${name}/a`, inChannels, 4 * growth, 1)
    this.grow = new BnReluConv(params, `${name}/b`, 4 * growth, growth, 3)
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let y = this.grow.apply(this.reduce.apply(x, ctx), ctx)
    if (ctx.transformResidual) y = ctx.transformResidual(this.name, y, true)
    const carried = ctx.transformSkip ? ctx.transformSkip(this.name, x) : x
    return tf.concat([y, carried], 3)
  }
}

export function buildDensenet(
  blocks: readonly number[],
  config: ModelConfig,
  rng: Rng
): Classifier {
  const params = new ModelParams(rng)
  const growth = config.width
  let channels = 2 * growth
  const stem = new Conv2d(params, 'stem/conv', config.inputShape[2], channels, 3)
  const stages: { layers: DenseLayer[]; transition?: BnReluConv }[] = blocks.map((count, b) => {
    const layers: DenseLayer[] = []
    for (let i = 0; i < count; i++) {
      layers.push(new DenseLayer(params, `dense${b + 1}.${i}`, channels, growth))
      channels += growth
    }
    if (b === blocks.length - 1) return { layers }
    const out = Math.floor(channels / 2)
    const transition = new BnReluConv(params, `trans${b + 1}`, channels, out, 1)
    channels = out
    return { layers, transition }
  })
  const finalBn = new BatchNorm(params, 'final/bn', channels)
  const head = new Dense(params, 'head', channels, config.numClasses)
  const skipConnections = stages.flatMap((s) => s.layers.map((l) => l.name))
  return {
    config,
    params,
    skipConnections,
    featureLayers: stages.map((_, b) => `denseblock${b + 1}`),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = stem.apply(normalizeInput(x, config))
      stages.forEach((stage, b) => {
        for (const layer of stage.layers) h = layer.apply(h, ctx)
        if (stage.transition) h = tf.avgPool(stage.transition.apply(h, ctx), 2, 2, 'same')
        h = tapFeature(ctx, `denseblock${b + 1}`, h)
      })
      return head.apply(globalAveragePool(finalBn.apply(h, ctx, true)))
    }
  }
}
