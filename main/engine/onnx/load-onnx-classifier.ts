/**
 * Builds an `OnnxClassifier` from a decoded ONNX model: the graph (every op and attribute checked
 * before anything runs), one float image input whose size resolves, float weights to reach, and
 * a [batch, classes] output, each refused with a message naming the file. Also reloads a saved
 * (possibly fine-tuned) one from its model folder.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { TargetPreprocessing } from '../../contract/target-preprocessing'
import { ONNX_ARCH, type ModelConfig, type OnnxModelSetup } from '../models/classifier'
import { EVAL } from '../models/forward-context'
import { resolveInputShape } from '../targets/input-shape'
import { TargetImportError } from '../targets/target-model'
import { OnnxClassifier } from './onnx-classifier'
import { OnnxGraph } from './onnx-graph'
import { OnnxImportError } from './onnx-import-error'
import { DataType, type ModelMessage } from './onnx-proto'
import { decodeOnnx } from './read-onnx-file'

export const SAVED_GRAPH_FILE = 'graph.onnx'

export interface OnnxClassifierOptions {
  preprocessing: TargetPreprocessing
  batchNorm: 'update' | 'freeze'
  /** The audit's images [height, width, channels] and class count. */
  inputShape: [number, number, number]
  numClasses: number
}

export function buildOnnxClassifier(
  file: string,
  model: ModelMessage,
  baseDir: string,
  options: OnnxClassifierOptions
): OnnxClassifier {
  const graph = OnnxGraph.load(file, model, baseDir)
  try {
    if (graph.params.trainable.size === 0)
      throw new OnnxImportError(
        file,
        'the model has no float weights (no float initializer feeds a conv, matmul or other data input), so nothing for fine-tuning to reach; ' +
          'export it with its weights as float initializers (e.g. torch.onnx.export with export_params=True).'
      )
    if (graph.inputs.length !== 1)
      throw new OnnxImportError(
        file,
        `the model has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(', ')}); a classifier takes one image batch.`
      )
    const input = graph.inputs[0]
    if (input.elemType !== DataType.FLOAT)
      throw new OnnxImportError(file, `the model's input "${input.name}" is not float32 images.`)
    const layout = options.preprocessing.layout ?? 'NCHW'
    let shape: [number, number, number]
    try {
      shape = resolveInputShape(file, input.dims, layout).shape
    } catch (err) {
      if (err instanceof TargetImportError)
        throw new OnnxImportError(file, err.message.slice(file.length + 2))
      throw err
    }
    const setup: OnnxModelSetup = {
      graphFile: SAVED_GRAPH_FILE,
      preprocessing: { ...options.preprocessing, layout },
      layout,
      graphInputShape: shape,
      batchNorm: options.batchNorm
    }
    const config: ModelConfig & { onnx: OnnxModelSetup } = {
      arch: ONNX_ARCH,
      width: 1,
      inputShape: options.inputShape,
      numClasses: options.numClasses,
      normalization: { mean: [0], std: [1] },
      onnx: setup
    }
    const outputs = probeOutputs(file, new OnnxClassifier(config, graph, model, 0))
    return new OnnxClassifier(config, graph, model, outputs)
  } catch (err) {
    graph.params.dispose()
    throw err
  }
}

/** Runs one blank image through the graph: the scores per image it outputs, refusing non-classifier outputs. */
function probeOutputs(file: string, classifier: OnnxClassifier): number {
  return tf.tidy(() => {
    const setup = classifier.config.onnx
    const input = tf.zeros([1, ...setup.graphInputShape]) as tf.Tensor4D
    const value = classifier.graph.run(
      {
        [classifier.graph.inputs[0].name]:
          setup.layout === 'NCHW' ? tf.transpose(input, [0, 3, 1, 2]) : input
      },
      { forward: EVAL, batchNorm: 'freeze' }
    )[0]
    const dims = value.shape
    const perImage = dims.slice(1)
    if (!(
      perImage.length === 1 ||
      (perImage.length === 3 && perImage[1] === 1 && perImage[2] === 1)
    ))
      throw new OnnxImportError(
        file,
        `the model outputs shape [${dims.join(', ')}] per batch; a classifier outputs [batch, classes].`
      )
    return perImage[0]
  })
}

/** Reloads a saved ONNX classifier from its model folder; its weights are then assigned by loadClassifier. */
export async function loadSavedOnnxClassifier(
  dir: string,
  config: ModelConfig
): Promise<OnnxClassifier> {
  const setup = config.onnx
  if (!setup) throw new Error(`${dir}: the manifest says arch "onnx" but holds no onnx setup`)
  const file = join(dir, setup.graphFile)
  const bytes = new Uint8Array(await readFile(file))
  return buildOnnxClassifier(file, decodeOnnx(file, bytes), dir, {
    preprocessing: setup.preprocessing,
    batchNorm: setup.batchNorm,
    inputShape: config.inputShape,
    numClasses: config.numClasses
  })
}
