/** TensorFlow.js Layers models for tests: trained on the embedded demo in a few seconds, saved as model.json + one shard. */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tfjs from '@tensorflow/tfjs'
import { batchTensors, range, type ImageSplit } from '../../../main/engine/data/dataset'

/** Writes a Layers model as the converter does: model.json and group1-shard1of1.bin in `dir`. */
export async function saveLayersModel(model: tfjs.LayersModel, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  await model.save(
    tfjs.io.withSaveHandler(async (artifacts) => {
      const shard = 'group1-shard1of1.bin'
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfjs.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: [shard], weights: artifacts.weightSpecs }]
      }
      await writeFile(join(dir, 'model.json'), JSON.stringify(json))
      await writeFile(join(dir, shard), new Uint8Array(artifacts.weightData as ArrayBuffer))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  return join(dir, 'model.json')
}

/**
 * An MLP (784 → 128 → 10 logits, NHWC input) trained on `count` images of `split` after `input`
 * turned their [0,1] pixels into what the model is trained on (e.g. mean/std normalisation); seeded,
 * unshuffled, so the same weights every run.
 */
export async function trainLayersMlp(
  split: ImageSplit,
  count: number,
  input: (pixels: tfjs.Tensor) => tfjs.Tensor,
  dir: string
): Promise<string> {
  const { x, y } = batchTensors(split, range(Math.min(count, split.count)))
  const inputs = tfjs.tidy(() => input(x))
  const labels = tfjs.oneHot(y, 10)
  const model = tfjs.sequential({
    layers: [
      tfjs.layers.flatten({ inputShape: [split.height, split.width, split.channels] }),
      tfjs.layers.dense({
        units: 128,
        activation: 'relu',
        kernelInitializer: tfjs.initializers.heNormal({ seed: 1 })
      }),
      tfjs.layers.dense({
        units: 10,
        kernelInitializer: tfjs.initializers.glorotUniform({ seed: 2 })
      })
    ]
  })
  model.compile({ optimizer: tfjs.train.adam(0.002), loss: tfjs.losses.softmaxCrossEntropy })
  await model.fit(inputs, labels, { epochs: 4, batchSize: 64, shuffle: false, verbose: 0 })
  const path = await saveLayersModel(model, dir)
  tfjs.dispose([x, y, inputs, labels])
  model.dispose()
  return path
}
