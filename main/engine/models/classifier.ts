/**
 * What every architecture provides: a logits function over [0,1] NHWC pixels, its tensors,
 * and the residual shortcuts it exposes to attacks (empty for plain CNNs).
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { ArchitectureId } from '../../contract/audit-spec'
import type { ForwardContext } from './forward-context'
import type { ModelParams } from './model-params'
import type { InputNormalization } from './normalize-input'

export interface ModelConfig {
  arch: ArchitectureId
  width: number
  /** [height, width, channels] of one input image. */
  inputShape: [number, number, number]
  numClasses: number
  /** Applied inside the model, so callers pass [0,1] pixels. */
  normalization: InputNormalization
}

export interface Classifier {
  readonly config: ModelConfig
  readonly params: ModelParams
  /** Names of the residual blocks whose shortcut `ForwardContext.transformSkip` can reach. */
  readonly skipConnections: string[]
  /**
   * Intermediate layers `ForwardContext.tapFeature` reaches, in forward order (block or stage outputs);
   * absent or empty when the model exposes none (ILA and FIA then refuse it). A graph model lists its node names.
   */
  readonly featureLayers?: readonly string[]
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D
}
