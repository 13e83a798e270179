/**
 * Small CNN with batch norm: three 3×3 conv-BN-ReLU stages (widths w, 2w, 4w) with 2×2 average
 * pooling between them, global average pooling and a linear classifier. No residual shortcuts.
 * Pooling before the wider convs keeps it at ~4 MFLOP per 28×28 image for w = 16, which is what
 * a single-threaded wasm backend can train in about a minute on the demo data. Average rather
 * than max pooling: wasm's MaxPoolGrad kernel cost as much as all the convs of a BIM step.
 * `small-cnn-max` is the same network with 2×2 max pooling: a target family of its own, since
 * transfer between average- and max-pooling CNNs differs a lot (issue 14: ~75 % vs ~12 %).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier, ModelConfig } from './classifier'
import { tapFeature, type ForwardContext } from './forward-context'
import { ConvBnRelu, Dense, globalAveragePool } from './layers'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'
import type { Rng } from '../data/rng'

export function buildSmallCnn(
  config: ModelConfig,
  rng: Rng,
  pooling: 'avg' | 'max' = 'avg'
): Classifier {
  const params = new ModelParams(rng)
  const w = config.width
  const channels = config.inputShape[2]
  const stages = [
    new ConvBnRelu(params, 'stage1', channels, w),
    new ConvBnRelu(params, 'stage2', w, 2 * w),
    new ConvBnRelu(params, 'stage3', 2 * w, 4 * w)
  ]
  const head = new Dense(params, 'head', 4 * w, config.numClasses)
  return {
    config,
    params,
    skipConnections: [],
    featureLayers: ['stage1', 'stage2', 'stage3'],
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = normalizeInput(x, config)
      stages.forEach((stage, i) => {
        const pooled =
          i === 0
            ? h
            : pooling === 'max'
              ? tf.maxPool(h, 2, 2, 'same')
              : tf.avgPool(h, 2, 2, 'same')
        h = tapFeature(ctx, `stage${i + 1}`, stage.apply(pooled, ctx))
      })
      return head.apply(globalAveragePool(h))
    }
  }
}
