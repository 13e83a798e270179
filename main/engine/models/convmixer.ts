/**
 * ConvMixer-h/d.
 *
 * Trockman & Kolter, "Patches Are All You Need?", TMLR 2023, https://arxiv.org/abs/2201.09792.
 * Patch embedding (p×p conv, stride p) → GELU → BN, then d layers of
 * [residual(depthwise k×k conv → GELU → BN)] → pointwise conv → GELU → BN, global average pool,
 * linear head. CIFAR defaults from the paper's CIFAR-10 runs: h = 256, d = 8, k = 5, p = 2.
 * `width` is h. The depthwise conv is the shift-and-add form (depthwise-conv.ts) because the wasm
 * backend has no depthwise-conv gradient. Each layer's shortcut is exposed through
 * `ForwardContext.transformSkip` and its residual (depthwise) branch through `transformResidual`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { Classifier, ModelConfig } from './classifier'
import { DepthwiseConv2d } from './depthwise-conv'
import { tapFeature, type ForwardContext } from './forward-context'
import { gelu } from './gelu'
import { BatchNorm, Conv2d, Dense, globalAveragePool } from './layers'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'

export const CONVMIXER_DEFAULTS = { depth: 8, kernel: 5, patch: 2 }

class MixerLayer {
  private readonly depthwise: DepthwiseConv2d
  private readonly bn1: BatchNorm
  private readonly pointwise: Conv2d
  private readonly bn2: BatchNorm

  constructor(
    params: ModelParams,
    readonly name: string,
    channels: number,
    kernel: number
  ) {
    this.depthwise = new DepthwiseConv2d(params, `${name}/depthwise`, channels, kernel)
    this.bn1 = new BatchNorm(params, `${name}/depthwise/bn`, channels)
    this.pointwise = new Conv2d(params, `${name}/pointwise/conv`, channels, channels, 1)
    this.bn2 = new BatchNorm(params, `${name}/pointwise/bn`, channels)
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let mixed = this.bn1.apply(gelu(this.depthwise.apply(x)), ctx)
    if (ctx.transformResidual) mixed = ctx.transformResidual(this.name, mixed, true)
    const shortcut = ctx.transformSkip ? ctx.transformSkip(this.name, x) : x
    const h = tf.add(mixed, shortcut) as tf.Tensor4D
    return this.bn2.apply(gelu(this.pointwise.apply(h)), ctx)
  }
}

export function buildConvmixer(config: ModelConfig, rng: Rng): Classifier {
  const { depth, kernel, patch } = CONVMIXER_DEFAULTS
  const params = new ModelParams(rng)
  const h = config.width
  const embed = new Conv2d(params, 'embed/conv', config.inputShape[2], h, patch, patch)
  const embedBn = new BatchNorm(params, 'embed/bn', h)
  const layers = Array.from(
    { length: depth },
    (_, i) => new MixerLayer(params, `mixer${i}`, h, kernel)
  )
  const head = new Dense(params, 'head', h, config.numClasses)
  return {
    config,
    params,
    skipConnections: layers.map((l) => l.name),
    featureLayers: layers.map((l) => l.name),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let z = embedBn.apply(gelu(embed.apply(normalizeInput(x, config))), ctx)
      for (const layer of layers) z = tapFeature(ctx, layer.name, layer.apply(z, ctx))
      return head.apply(globalAveragePool(z))
    }
  }
}
