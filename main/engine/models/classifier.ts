/**
 * What every architecture provides: a logits function over [0,1] NHWC pixels, its tensors,
 * and the residual shortcuts it exposes to attacks (empty for plain CNNs).
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { ArchitectureId } from '../../contract/audit-spec'
import type { ForwardContext } from './forward-context'
import type { ModelParams } from './model-params'
import type { InputNormalization } from './normalize-input'
import type { TargetPreprocessing } from '../../contract/target-preprocessing'

/** `arch` of a classifier built from an imported ONNX graph instead of the registry. */
export const ONNX_ARCH = 'onnx'

/** How an imported graph is fed and read (config.onnx of an 'onnx' classifier). */
export interface OnnxModelSetup {
  /** The graph file saved next to the weights (its float initializers are overridden by them). */
  graphFile: string
  preprocessing: TargetPreprocessing
  /** The layout the graph takes. */
  layout: 'NCHW' | 'NHWC'
  /** [height, width, channels] the graph takes (the dataset's images are resized to it when allowed). */
  graphInputShape: [number, number, number]
  /** Batch-norm statistics while training: batch statistics with running updates, or the running ones kept. */
  batchNorm: 'update' | 'freeze'
}

export interface ModelConfig {
  arch: ArchitectureId | typeof ONNX_ARCH
  width: number
  /** [height, width, channels] of one input image. */
  inputShape: [number, number, number]
  numClasses: number
  /** Applied inside the model, so callers pass [0,1] pixels. */
  normalization: InputNormalization
  /** Only for arch 'onnx': the imported graph's input and output handling. */
  onnx?: OnnxModelSetup
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
  /** A new classifier of the same structure holding copies of every tensor (imported graphs; built-in nets are rebuilt from config). */
  copy?(): Classifier
  /** Files describing the structure beyond `config` (an imported graph), written next to the weights. */
  structureFiles?(): { name: string; bytes: Uint8Array }[]
}
