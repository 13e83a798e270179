/**
 * An imported ONNX graph behind the engine's `Classifier` interface, so every attack, technique,
 * minimizer and trainer works on it as on a built-in surrogate.
 *
 * `forward` takes the audit's [0,1] NHWC pixels, applies the import's preprocessing (resize,
 * channels, range, mean/std: differentiable ops), feeds an NCHW graph its input as an NHWC value
 * (the first conv reads it without a transpose), and returns logits over the dataset's classes:
 * a model that outputs probabilities gives their log, and `classMap` gathers (or, for several
 * outputs per class, log-sum-exps) the model's outputs into dataset classes.
 */
import * as tf from '@tensorflow/tfjs-core'
import { preprocessBatch } from '../targets/target-preprocessing'
import type { Classifier, ModelConfig, OnnxModelSetup } from '../models/classifier'
import type { ForwardContext } from '../models/forward-context'
import type { ModelParams } from '../models/model-params'
import { GraphValue } from './graph-value'
import type { OnnxGraph } from './onnx-graph'
import { encodeModel, type ModelMessage } from './onnx-proto'
import { exportOnnxModel } from './export-onnx'

export class OnnxClassifier implements Classifier {
  readonly skipConnections: string[]
  readonly featureLayers: readonly string[]

  constructor(
    readonly config: ModelConfig & { onnx: OnnxModelSetup },
    readonly graph: OnnxGraph,
    /** The decoded file, kept to export the current weights back to ONNX. */
    readonly source: ModelMessage,
    /** Raw scores per output of the graph, before the class map (the agreement check compares these). */
    private readonly outputClasses: number
  ) {
    this.skipConnections = graph.residualBlocks.map((b) => b.block)
    this.featureLayers = graph.featureLayers
  }

  get params(): ModelParams {
    return this.graph.params
  }

  /** The graph's raw output scores for [0,1] NHWC pixels ([batch, outputs]). */
  rawScores(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
    const setup = this.config.onnx
    const input = preprocessBatch(x, setup.preprocessing, 'NHWC', setup.graphInputShape)
    const value = setup.layout === 'NCHW' ? new GraphValue(input, true) : new GraphValue(input)
    const [out] = this.graph.run(
      { [this.graph.inputs[0].name]: value },
      { forward: ctx, batchNorm: setup.batchNorm }
    )
    const scores = out.onnx()
    return (
      scores.rank === 2 ? scores : tf.reshape(scores, [scores.shape[0] as number, -1])
    ) as tf.Tensor2D
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
    const prep = this.config.onnx.preprocessing
    let logits = this.rawScores(x, ctx)
    if (prep.output === 'probabilities') logits = tf.log(tf.add(logits, 1e-12)) as tf.Tensor2D
    const classMap = prep.classMap
    if (!classMap) return logits
    const columns = Array.from({ length: this.config.numClasses }, (_, c) =>
      classMap.flatMap((k, i) => (k === c ? [i] : []))
    )
    if (columns.every((cols) => cols.length === 1))
      return tf.gather(
        logits,
        columns.map((cols) => cols[0]),
        1
      ) as tf.Tensor2D
    return tf.stack(
      columns.map((cols) => tf.logSumExp(tf.gather(logits, cols, 1), 1)),
      1
    ) as tf.Tensor2D
  }

  /** Number of scores the graph outputs per image. */
  get graphOutputs(): number {
    return this.outputClasses
  }

  copy(): OnnxClassifier {
    return new OnnxClassifier(this.config, this.graph.copy(), this.source, this.outputClasses)
  }

  /** The graph with the current weights and statistics, as an .onnx file. */
  exportOnnx(): Uint8Array {
    return encodeModel(exportOnnxModel(this.source, this.graph))
  }

  structureFiles(): { name: string; bytes: Uint8Array }[] {
    return [{ name: this.config.onnx.graphFile, bytes: this.exportOnnx() }]
  }
}
