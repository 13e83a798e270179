import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { batchTensors, range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { checkTargetFits } from '../../../../main/engine/targets/check-target-fits'
import { measureNaturalAccuracy } from '../../../../main/engine/targets/natural-accuracy'
import { loadOnnxTarget } from '../../../../main/engine/targets/onnx-target'
import { predictPixels } from '../../../../main/engine/targets/predict-pixels'
import { TargetImportError } from '../../../../main/engine/targets/target-model'
import { TargetPreprocessing } from '../../../../main/engine/targets/target-preprocessing'
import { loadTfjsTarget } from '../../../../main/engine/targets/tfjs-target'
import { tinyDataset } from '../../helpers/tiny-data'
import { FMNIST_ONNX_PREP, onnxFixture, tfjsFixture } from './target-fixtures'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 200)
})

const prep = (p: object = {}) => TargetPreprocessing.parse(p)

describe('ONNX targets', () => {
  it('predict dataset classes for a [0,1] NHWC batch, well above chance', async () => {
    const target = await loadOnnxTarget(onnxFixture('fmnist-cnn'), prep(FMNIST_ONNX_PREP))
    expect(target.inputShape).toEqual([28, 28, 1])
    expect(target.outputClasses).toBe(10)
    const { x, y } = batchTensors(data.test, range(3))
    const predictions = await target.predict(x)
    expect(predictions).toBeInstanceOf(Int32Array)
    expect(predictions.length).toBe(3)
    const raw = (await x.data()) as Float32Array
    expect(Array.from(await predictPixels(target, raw, [3, 28, 28, 1]))).toEqual(
      Array.from(predictions)
    )
    await expect(predictPixels(target, raw, [4, 28, 28, 1])).rejects.toThrow(
      /do not fill a batch of shape \[4, 28, 28, 1\]/
    )
    tf.dispose([x, y])
    const natural = await measureNaturalAccuracy(target, data.test, 10)
    expect(natural.sampled).toBe(200)
    expect(natural.accuracy).toBeGreaterThan(0.3)
    expect(natural.warning).toBeUndefined()
    await target.dispose()
  })

  it('accept a probabilities output and predict the same classes as the logits model', async () => {
    const logits = await loadOnnxTarget(onnxFixture('fmnist-cnn'), prep(FMNIST_ONNX_PREP))
    const probs = await loadOnnxTarget(
      onnxFixture('fmnist-cnn-probs'),
      prep({ ...FMNIST_ONNX_PREP, output: 'probabilities' })
    )
    const { x, y } = batchTensors(data.test, range(20))
    expect(Array.from(await probs.predict(x))).toEqual(Array.from(await logits.predict(x)))
    expect((await measureNaturalAccuracy(probs, data.test, 10, 50)).warning).toBeUndefined()
    tf.dispose([x, y])
    await Promise.all([logits.dispose(), probs.dispose()])
  })

  it('warn near chance and name the value range when the preprocessing is wrong', async () => {
    const target = await loadOnnxTarget(
      onnxFixture('fmnist-cnn'),
      prep({ ...FMNIST_ONNX_PREP, range: [0, 255] })
    )
    const natural = await measureNaturalAccuracy(target, data.test, 10)
    expect(natural.accuracy).toBeLessThan(0.2)
    expect(natural.warning).toMatch(
      /near chance.*with range \[0, 1\] with the declared mean\/std it is \d+\.\d%, so preprocessing\.range/
    )
    await target.dispose()
  })

  it('suggest a classMap when only the class order is wrong', async () => {
    // Declare a rotated class order: output i is said to be class (i+1) mod 10.
    const rotated = Array.from({ length: 10 }, (_, i) => (i + 1) % 10)
    const target = await loadOnnxTarget(
      onnxFixture('fmnist-cnn'),
      prep({ ...FMNIST_ONNX_PREP, classMap: rotated })
    )
    const natural = await measureNaturalAccuracy(target, data.test, 10)
    expect(natural.warning).toMatch(/class order.*classMap \[/)
    // The suggested map restores the accuracy of the correctly declared model.
    const suggested = JSON.parse(/classMap (\[[\d,]+\])/.exec(natural.warning!)![1]) as number[]
    const fixed = await measureNaturalAccuracy(
      target.withPreprocessing(prep({ ...FMNIST_ONNX_PREP, classMap: suggested })),
      data.test,
      10
    )
    expect(fixed.accuracy).toBeGreaterThan(0.3)
    await target.dispose()
  })

  it.each([
    [
      'not-classifier',
      /not-classifier\.onnx: not a classifier: its output has shape \[2, 4, 7, 7\]/
    ],
    [
      'dynamic-input',
      /dynamic-input\.onnx: .*\[batch, 1, height, width\] has dynamic image dimensions; re-export/
    ]
  ])('refuse %s with a message naming the file and the problem', async (name, message) => {
    await expect(loadOnnxTarget(onnxFixture(name), prep(FMNIST_ONNX_PREP))).rejects.toThrow(message)
  })

  it('refuse a file that is not ONNX', async () => {
    const error = await loadOnnxTarget(tfjsFixture('fmnist-layers'), prep()).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(TargetImportError)
    expect((error as Error).message).toMatch(/model\.json: not a readable ONNX model/)
  })

  it('refuse a model whose input size or class count does not fit the dataset', async () => {
    const rgb = await loadOnnxTarget(onnxFixture('rgb-32'), prep({ layout: 'NCHW' }))
    expect(() => checkTargetFits('rgb-32.onnx', rgb, data.test, data.classNames)).toThrow(
      /rgb-32\.onnx: the model expects 32×32×3 images \(NCHW\) but the dataset's are 28×28×1; .*preprocessing\.resize/
    )
    await rgb.dispose()
    const resized = await loadOnnxTarget(
      onnxFixture('rgb-32'),
      prep({ layout: 'NCHW', resize: true })
    )
    expect(() => checkTargetFits('rgb-32.onnx', resized, data.test, data.classNames)).not.toThrow()
    const { x, y } = batchTensors(data.test, range(2))
    expect((await resized.predict(x)).length).toBe(2)
    tf.dispose([x, y])
    await resized.dispose()
    const seven = await loadOnnxTarget(onnxFixture('seven-classes'), prep(FMNIST_ONNX_PREP))
    expect(() => checkTargetFits('seven-classes.onnx', seven, data.test, data.classNames)).toThrow(
      /seven-classes\.onnx: the model outputs 7 class scores but the dataset has 10 classes .*classMap/
    )
    await seven.dispose()
  })
})

describe('TensorFlow.js targets', () => {
  it.each([
    ['fmnist-layers', 'tfjs-layers'],
    ['fmnist-graph', 'tfjs-graph']
  ])('load the %s model from disk and classify above chance', async (name, format) => {
    const before = tf.memory().numTensors
    const target = await loadTfjsTarget(tfjsFixture(name), prep({ output: 'probabilities' }))
    expect(target.format).toBe(format)
    expect(target.inputShape).toEqual([28, 28, 1])
    expect(target.outputClasses).toBe(10)
    const natural = await measureNaturalAccuracy(target, data.test, 10)
    expect(natural.accuracy).toBeGreaterThan(0.5)
    expect(natural.warning).toBeUndefined()
    await target.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuse a model.json whose shard is missing, naming the shard', async () => {
    await expect(loadTfjsTarget(tfjsFixture('missing-shard'), prep())).rejects.toThrow(
      /missing-shard\/model\.json: weight shard .*missing-shard\/group1-shard1of1\.bin is missing/
    )
  })
})
