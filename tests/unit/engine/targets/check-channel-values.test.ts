/**
 * A mean or std whose length does not fit the model's channels is refused before the model runs,
 * naming the field and the channel count, in every format and through the check (issue 12, section 4).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TargetCheckRequest } from '../../../../main/contract/target-zoo'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { checkChannelValues } from '../../../../main/engine/targets/check-channel-values'
import { checkTarget } from '../../../../main/engine/targets/check-target'
import { loadFlatlineTarget } from '../../../../main/engine/targets/flatline-target'
import { loadOnnxTarget } from '../../../../main/engine/targets/onnx-target'
import { TargetImportError } from '../../../../main/engine/targets/target-model'
import { TargetPreprocessing } from '../../../../main/engine/targets/target-preprocessing'
import { loadTfjsTarget } from '../../../../main/engine/targets/tfjs-target'
import { tinyDataset } from '../../helpers/tiny-data'
import { onnxFixture, tfjsFixture } from './target-fixtures'
import { saveTinyModel } from './trained-model-fixture'

const prep = (p: object) => TargetPreprocessing.parse(p)
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }

let data: ImageDataset
let root: string
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 40)
  root = await mkdtemp(join(tmpdir(), 'flatline-channel-values-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('checkChannelValues', () => {
  it('accepts one value, or one per channel, and no value at all', () => {
    expect(() => checkChannelValues('m.onnx', prep({ mean: [0.5], std: [0.5] }), 3)).not.toThrow()
    expect(() => checkChannelValues('m.onnx', prep(IMAGENET), 3)).not.toThrow()
    expect(() => checkChannelValues('m.onnx', prep({}), 1)).not.toThrow()
  })

  it.each<[string, object, number, string]>([
    [
      'three means for a gray model',
      { mean: IMAGENET.mean },
      1,
      'preprocessing.mean has 3 values but the model takes 1 channel; give one value.'
    ],
    [
      'three stds for a gray model',
      { mean: [0.286], std: IMAGENET.std },
      1,
      'preprocessing.std has 3 values but the model takes 1 channel; give one value.'
    ],
    [
      'two means for an RGB model',
      { mean: [0.5, 0.5] },
      3,
      'preprocessing.mean has 2 values but the model takes 3 channels; give 1 value (the same for every channel) or 3.'
    ]
  ])('refuses %s, naming the field and the channel count', (_, p, channels, message) => {
    expect(() => checkChannelValues('m.onnx', prep(p), channels)).toThrow(
      new TargetImportError('m.onnx', message)
    )
  })
})

describe('loading a model with a mean or std that does not fit its channels', () => {
  // Before the check, onnxruntime ran the broadcast [2, 3, 28, 28] input and failed with its own shape error.
  it('refuses an ONNX model before onnxruntime runs it', async () => {
    const error = await loadOnnxTarget(
      onnxFixture('fmnist-cnn'),
      prep({ layout: 'NCHW', ...IMAGENET })
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TargetImportError)
    expect((error as Error).message).toMatch(
      /fmnist-cnn\.onnx: preprocessing\.mean has 3 values but the model takes 1 channel; give one value\.$/
    )
  })

  it('refuses an RGB ONNX model given two stds', async () => {
    await expect(
      loadOnnxTarget(onnxFixture('rgb-32'), prep({ layout: 'NCHW', std: [0.2, 0.2] }))
    ).rejects.toThrow(
      /rgb-32\.onnx: preprocessing\.std has 2 values but the model takes 3 channels; give 1 value \(the same for every channel\) or 3\./
    )
  })

  it('refuses a TensorFlow.js model, and frees it', async () => {
    const before = tf.memory().numTensors
    await expect(
      loadTfjsTarget(tfjsFixture('fmnist-layers'), prep({ std: IMAGENET.std }))
    ).rejects.toThrow(/model\.json: preprocessing\.std has 3 values but the model takes 1 channel/)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuses a model trained in Flatline, and frees it', async () => {
    const dir = join(root, 'trained')
    await saveTinyModel(dir)
    const before = tf.memory().numTensors
    await expect(loadFlatlineTarget(dir, prep({ mean: [0.1, 0.2] }))).rejects.toThrow(
      /preprocessing\.mean has 2 values but the model takes 1 channel/
    )
    expect(tf.memory().numTensors).toBe(before)
  })

  it('fails the check with that message, not a layout guess', async () => {
    const request = TargetCheckRequest.parse({
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      preprocessing: { layout: 'NCHW', ...IMAGENET },
      sampleSize: 20
    })
    await expect(checkTarget(request, data)).rejects.toThrow(
      /preprocessing\.mean has 3 values but the model takes 1 channel; give one value\.$/
    )
  })
})
