/**
 * Multi-layer perceptron: flatten → (linear → ReLU) × 2 → linear, the non-convolutional
 * baseline in transfer studies. `width` is the hidden units (default 512). No shortcuts.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { Classifier, ModelConfig } from './classifier'
import { tapFeature, type ForwardContext } from './forward-context'
import { Dense } from './layers'
import { ModelParams } from './model-params'
import { normalizeInput } from './normalize-input'

export const MLP_HIDDEN_LAYERS = 2

export function buildMlp(config: ModelConfig, rng: Rng): Classifier {
  const params = new ModelParams(rng)
  const [height, width, channels] = config.inputShape
  const inputs = height * width * channels
  const hidden = Array.from(
    { length: MLP_HIDDEN_LAYERS },
    (_, i) => new Dense(params, `fc${i + 1}`, i === 0 ? inputs : config.width, config.width)
  )
  const head = new Dense(params, 'head', config.width, config.numClasses)
  return {
    config,
    params,
    skipConnections: [],
    featureLayers: hidden.map((_, i) => `fc${i + 1}`),
    forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
      let h = tf.reshape(normalizeInput(x, config), [x.shape[0], inputs]) as tf.Tensor2D
      hidden.forEach((layer, i) => {
        h = tapFeature(ctx, `fc${i + 1}`, tf.relu(layer.apply(h)))
      })
      return head.apply(h)
    }
  }
}
