/**
 * The shape every residual net here shares: input normalisation, a stem, a chain of residual
 * blocks (each exposing its shortcut under its name), global average pooling and a linear head.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { Classifier, ModelConfig } from './classifier'
import { tapFeature, type ForwardContext } from './forward-context'
import { globalAveragePool, type Dense } from './layers'
import type { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'

interface Stage {
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D
}

export function residualClassifier(
  config: ModelConfig,
  params: ModelParams,
  stem: Stage,
  blocks: (Stage & { name: string })[],
  head: Dense
): Classifier {
  return {
    config,
    params,
    skipConnections: blocks.map((b) => b.name),
    featureLayers: ['stem', ...blocks.map((b) => b.name)],
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = tapFeature(ctx, 'stem', stem.apply(normalizeInput(x, config), ctx))
      for (const block of blocks) h = tapFeature(ctx, block.name, block.apply(h, ctx))
      return head.apply(globalAveragePool(h))
    }
  }
}
