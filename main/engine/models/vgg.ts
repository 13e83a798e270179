/**
 * VGG-11/13/16/19 with batch norm, CIFAR form.
 *
 * Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition",
 * ICLR 2015, https://arxiv.org/abs/1409.1556; BN after every conv and a single linear classifier
 * on the 1×1×512 map, as in the CIFAR port (kuangliu/pytorch-cifar `models/vgg.py`). Configs A,
 * B, D, E: numbers are 3×3 conv widths, 'M' a 2×2 max pool. `width` is the first conv's channels
 * (paper: 64). Pools use 'same' padding, so 28×28 inputs shrink 28→14→7→4→2→1 like 32×32 ones.
 * No shortcuts.
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

export const VGG_BASE_WIDTH = 64

type VggLayer = number | 'M'

// One row per configuration, as in Simonyan & Zisserman's Table 1 (Prettier would put one number per line).
// prettier-ignore
export const VGG_CONFIGS = {
  'vgg-11': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  'vgg-13': [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  'vgg-16': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  'vgg-19': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']
} as const satisfies Record<string, readonly VggLayer[]>

export function buildVgg(layers: readonly VggLayer[], config: ModelConfig, rng: Rng): Classifier {
  const params = new ModelParams(rng)
  let inChannels = config.inputShape[2]
  const stack: (ConvBn | 'M')[] = layers.map((layer, i) => {
    if (layer === 'M') return 'M'
    const out = scaleChannels(layer, config.width, VGG_BASE_WIDTH)
    const conv = new ConvBn(params, `features.${i}`, inChannels, out, 3)
    inChannels = out
    return conv
  })
  const head = new Dense(params, 'head', inChannels, config.numClasses)
  return {
    config,
    params,
    skipConnections: [],
    featureLayers: stack.filter((l) => l === 'M').map((_, k) => `pool${k + 1}`),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = normalizeInput(x, config)
      let pools = 0
      for (const layer of stack)
        h =
          layer === 'M'
            ? tapFeature(ctx, `pool${++pools}`, tf.maxPool(h, 2, 2, 'same'))
            : layer.apply(h, ctx)
      return head.apply(globalAveragePool(h))
    }
  }
}
