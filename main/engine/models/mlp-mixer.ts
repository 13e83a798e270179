/**
 * MLP-Mixer, a small CIFAR configuration.
 *
 * Tolstikhin et al., "MLP-Mixer: An all-MLP Architecture for Vision", NeurIPS 2021,
 * https://arxiv.org/abs/2105.01601. Non-overlapping p×p patches are embedded to C channels; each
 * of d layers applies token mixing (LayerNorm → MLP across patches, hidden C/2) and channel mixing
 * (LayerNorm → MLP across channels, hidden 4C), both with residual shortcuts; then LayerNorm,
 * average over patches, linear head. The paper's Mixer-S ratios (Ds = C/2, Dc = 4C) at a CIFAR
 * size: p = 4, d = 8, C = 128. `width` is C.
 * Both shortcuts of each layer are exposed through `ForwardContext.transformSkip` and both residual
 * branches through `transformResidual` (`mixerN/token`, `mixerN/channel`); the tensors are [B, T, C]
 * reshaped as [B, T, C, 1].
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { Classifier, ModelConfig } from './classifier'
import { tapFeature, type ForwardContext } from './forward-context'
import { gelu } from './gelu'
import { Conv2d, Dense } from './layers'
import { LayerNorm } from './layer-norm'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'

export const MLP_MIXER_DEFAULTS = { depth: 8, patch: 4 }

class Mlp {
  private readonly fc1: Dense
  private readonly fc2: Dense

  constructor(params: ModelParams, name: string, units: number, hidden: number) {
    this.fc1 = new Dense(params, `${name}/fc1`, units, hidden)
    this.fc2 = new Dense(params, `${name}/fc2`, hidden, units)
  }

  /** Applies the MLP to the last axis of a rank-3 tensor. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [a, b, units] = x.shape
    const flat = tf.reshape(x, [a * b, units]) as tf.Tensor2D
    return tf.reshape(this.fc2.apply(gelu(this.fc1.apply(flat))), [a, b, units])
  }
}

class MixerLayer {
  private readonly norm1: LayerNorm
  private readonly tokenMlp: Mlp
  private readonly norm2: LayerNorm
  private readonly channelMlp: Mlp

  constructor(
    params: ModelParams,
    readonly name: string,
    tokens: number,
    channels: number
  ) {
    this.norm1 = new LayerNorm(params, `${name}/norm1`, channels)
    this.tokenMlp = new Mlp(params, `${name}/token`, tokens, Math.max(1, Math.round(channels / 2)))
    this.norm2 = new LayerNorm(params, `${name}/norm2`, channels)
    this.channelMlp = new Mlp(params, `${name}/channel`, channels, 4 * channels)
  }

  apply(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    const transposed = tf.transpose(this.norm1.apply(x), [0, 2, 1]) as tf.Tensor3D
    const tokenMixed = tf.transpose(this.tokenMlp.apply(transposed), [0, 2, 1])
    const h = tf.add(
      residual(ctx, `${this.name}/token`, tokenMixed as tf.Tensor3D),
      skip(ctx, `${this.name}/token`, x)
    ) as tf.Tensor3D
    return tf.add(
      residual(ctx, `${this.name}/channel`, this.channelMlp.apply(this.norm2.apply(h))),
      skip(ctx, `${this.name}/channel`, h)
    )
  }
}

function skip(ctx: ForwardContext, name: string, x: tf.Tensor3D): tf.Tensor3D {
  if (!ctx.transformSkip) return x
  const [b, t, c] = x.shape
  return tf.reshape(ctx.transformSkip(name, tf.reshape(x, [b, t, c, 1])), [b, t, c])
}

function residual(ctx: ForwardContext, name: string, r: tf.Tensor3D): tf.Tensor3D {
  if (!ctx.transformResidual) return r
  const [b, t, c] = r.shape
  return tf.reshape(ctx.transformResidual(name, tf.reshape(r, [b, t, c, 1]), true), [b, t, c])
}

export function buildMlpMixer(config: ModelConfig, rng: Rng): Classifier {
  const { depth, patch } = MLP_MIXER_DEFAULTS
  const [height, width, channels] = config.inputShape
  const tokens = Math.ceil(height / patch) * Math.ceil(width / patch)
  const params = new ModelParams(rng)
  const c = config.width
  const embed = new Conv2d(params, 'embed/conv', channels, c, patch, patch)
  const layers = Array.from(
    { length: depth },
    (_, i) => new MixerLayer(params, `mixer${i}`, tokens, c)
  )
  const norm = new LayerNorm(params, 'final/norm', c)
  const head = new Dense(params, 'head', c, config.numClasses)
  return {
    config,
    params,
    skipConnections: layers.flatMap((l) => [`${l.name}/token`, `${l.name}/channel`]),
    featureLayers: layers.map((l) => l.name),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      const patches = embed.apply(normalizeInput(x, config))
      let z = tf.reshape(patches, [x.shape[0], tokens, c]) as tf.Tensor3D
      for (const layer of layers) z = tapFeature(ctx, layer.name, layer.apply(z, ctx))
      return head.apply(tf.mean(norm.apply(z), 1) as tf.Tensor2D)
    }
  }
}
