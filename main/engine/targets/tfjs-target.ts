/**
 * TensorFlow.js targets: a `model.json` with its weight shards, either a Layers model
 * (`format: "layers-model"`, from Keras or tfjs-layers) or a Graph model (`"graph-model"`, from
 * tensorflowjs_converter). Both run on the engine's active backend; images are NHWC unless the
 * preprocessing says otherwise.
 */
import * as tfjs from '@tensorflow/tfjs'
import type * as tf from '@tensorflow/tfjs-core'
import { fileHandler, readModelJson } from './tfjs-file-handler'
import { checkChannelValues } from './check-channel-values'
import { resolveInputShape } from './input-shape'
import { probeOutput } from './probe-output'
import { TargetImportError, type TargetModel } from './target-model'
import { argmaxRows, preprocessBatch, type TargetPreprocessing } from './target-preprocessing'

type Runnable = {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] | tf.NamedTensorMap
  dispose(): void
}

export async function loadTfjsTarget(
  file: string,
  preprocessing: TargetPreprocessing
): Promise<TargetModel> {
  const { json } = await readModelJson(file)
  const topology = json.modelTopology as Record<string, unknown>
  const isGraph =
    json.format === 'graph-model' || (json.format === undefined && Array.isArray(topology.node))
  let model: Runnable
  let inputDims: (number | null)[]
  try {
    if (isGraph) {
      const graph = await tfjs.loadGraphModel(fileHandler(file))
      model = graph
      inputDims = graph.inputs[0]?.shape?.map((d) => (d < 0 ? null : d)) ?? []
      if (graph.inputs.length !== 1)
        throw new TargetImportError(
          file,
          `the graph model has ${graph.inputs.length} inputs; a classifier takes one image batch.`
        )
    } else {
      const layers = await tfjs.loadLayersModel(fileHandler(file))
      model = layers
      if (layers.inputs.length !== 1)
        throw new TargetImportError(
          file,
          `the model has ${layers.inputs.length} inputs; a classifier takes one image batch.`
        )
      inputDims = layers.inputs[0].shape
    }
  } catch (err) {
    if (err instanceof TargetImportError) throw err
    throw new TargetImportError(
      file,
      `TensorFlow.js could not load it (${err instanceof Error ? err.message : String(err)}).`
    )
  }
  try {
    const layout = preprocessing.layout ?? 'NHWC'
    const { shape } = resolveInputShape(file, inputDims, layout)
    checkChannelValues(file, preprocessing, shape[2])
    const run = (x: tf.Tensor4D, prep: TargetPreprocessing = preprocessing): tf.Tensor =>
      tfjs.tidy(() => {
        const out = model.predict(preprocessBatch(x, prep, layout, shape))
        const first =
          out instanceof tfjs.Tensor ? out : Array.isArray(out) ? out[0] : Object.values(out)[0]
        return tfjs.cast(first, 'float32')
      })
    const scores = async (x: tf.Tensor4D, prep: TargetPreprocessing): Promise<Float32Array> => {
      const out = run(x, prep)
      const data = (await out.data()) as Float32Array
      out.dispose()
      return data
    }
    const outputClasses = await probeOutput(file, shape, async (x) => {
      const out = run(x)
      out.dispose()
      return out.shape
    })
    const make = (prep: TargetPreprocessing, owner: boolean): TargetModel => ({
      format: isGraph ? 'tfjs-graph' : 'tfjs-layers',
      inputShape: shape,
      layout,
      outputClasses,
      preprocessing: prep,
      scores: (x) => scores(x, prep),
      predict: async (x) => argmaxRows(await scores(x, prep), outputClasses, prep.classMap),
      withPreprocessing: (other) => make({ ...other, layout }, false),
      dispose: async () => {
        if (owner) model.dispose()
      }
    })
    return make(preprocessing, true)
  } catch (err) {
    model.dispose()
    throw err
  }
}
