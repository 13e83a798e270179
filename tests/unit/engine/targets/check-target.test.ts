import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  TargetCheckRequest,
  type TargetCheckRequestInput
} from '../../../../main/contract/target-zoo'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { checkTarget, seededSample } from '../../../../main/engine/targets/check-target'
import { tinyDataset } from '../../helpers/tiny-data'
import { FMNIST_ONNX_PREP, onnxFixture, tfjsFixture } from './target-fixtures'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 300)
})

const check = (request: Omit<TargetCheckRequestInput, 'sampleSize'> & { sampleSize?: number }) =>
  checkTarget(TargetCheckRequest.parse({ sampleSize: 200, ...request }), data)
const REVERSED = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]

describe('seededSample', () => {
  it('draws the same images for the same seed, other images for another, each image once', () => {
    const a = seededSample(data.test, 50, 0)
    const b = seededSample(data.test, 50, 0)
    const c = seededSample(data.test, 50, 1)
    expect(a.count).toBe(50)
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
    expect(Buffer.from(a.images).equals(Buffer.from(c.images))).toBe(false)
    expect(seededSample(data.test, 10000, 0).count).toBe(300)
  })
})

describe('checkTarget', () => {
  it('measures an ONNX model on the sample, detects its layout and hashes it as audits do', async () => {
    const stated = await check({
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      preprocessing: FMNIST_ONNX_PREP
    })
    expect(stated.detected).toEqual({
      modelFormat: 'onnx',
      inputShape: [28, 28, 1],
      layout: 'NCHW',
      layoutDetected: false,
      outputs: 10
    })
    expect(stated.sampled).toBe(200)
    expect(stated.accuracy).toBeGreaterThan(0.3)
    expect(stated.correct).toBe(Math.round(stated.accuracy * 200))
    expect(stated).toMatchObject({ chance: 0.1, nearChance: false, datasetName: data.name })
    expect(stated.warning).toBeUndefined()
    expect(stated.sha256).toBe(
      createHash('sha256')
        .update(await readFile(onnxFixture('fmnist-cnn')))
        .digest('hex')
    )
    const { layout: _, ...withoutLayout } = FMNIST_ONNX_PREP
    const detected = await check({
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      preprocessing: withoutLayout
    })
    expect(detected.detected).toMatchObject({ layout: 'NCHW', layoutDetected: true })
    expect(detected.accuracy).toBe(stated.accuracy)
  })

  it('names the value range when [0, 255] is declared for a [0, 1] model', async () => {
    const result = await check({
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      preprocessing: { ...FMNIST_ONNX_PREP, range: [0, 255] }
    })
    expect(result.nearChance).toBe(true)
    expect(result.warning?.likelyCause).toBe('range')
    expect(result.warning?.fix).toMatchObject({ range: [0, 1] })
    expect(result.warning?.fixedAccuracy).toBeGreaterThan(0.3)
    expect(result.warning?.message).toMatch(
      /^accuracy (\d+\.\d %) \((\d+)\/200\) is near chance \(10\.0 %\); with range \[0, 1\] it is \d+\.\d % \(\d+\/200\) against \1 \(\2\/200\) as declared: the model probably expects values in \[0, 1\]\.$/
    )
  })

  it('names the layout, with the accuracy it gives, when NHWC is stated for an NCHW model', async () => {
    const nhwc = check({
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      preprocessing: { ...FMNIST_ONNX_PREP, layout: 'NHWC' }
    })
    await expect(nhwc).rejects.toThrow(
      /fmnist-cnn\.onnx: the model's input shape \[batch, 1, 28, 28\] read as NHWC has 28 channels.* With layout NCHW it takes 28×28×1 images and scores \d+\.\d % on 200 test images: the model probably expects NCHW\./
    )
  })

  it('measures TensorFlow.js layers and graph models, and names a reversed class order', async () => {
    const layers = await check({
      format: 'tfjs',
      path: tfjsFixture('fmnist-layers'),
      preprocessing: { output: 'probabilities' }
    })
    expect(layers.detected).toEqual({
      modelFormat: 'tfjs-layers',
      inputShape: [28, 28, 1],
      layout: 'NHWC',
      layoutDetected: true,
      outputs: 10
    })
    expect(layers.accuracy).toBeGreaterThan(0.3)
    const graph = await check({ format: 'tfjs', path: tfjsFixture('fmnist-graph') })
    expect(graph.detected.modelFormat).toBe('tfjs-graph')
    expect(graph.accuracy).toBeGreaterThan(0.3)
    const reversed = await check({
      format: 'tfjs',
      path: tfjsFixture('fmnist-layers'),
      preprocessing: { classMap: REVERSED }
    })
    expect(reversed.nearChance).toBe(true)
    expect(reversed.warning).toMatchObject({
      likelyCause: 'class-order',
      fix: { classMap: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }
    })
    expect(reversed.warning?.fixedAccuracy).toBe(layers.accuracy)
    expect(reversed.warning?.message).toMatch(
      /with the class order reversed .*: the model probably orders its classes in reverse/
    )
  })

  it.each<[string, TargetCheckRequestInput['format'], string, RegExp]>([
    [
      'a non-classifier',
      'onnx',
      onnxFixture('not-classifier'),
      /not-classifier\.onnx: not a classifier/
    ],
    [
      'a dynamic input shape',
      'onnx',
      onnxFixture('dynamic-input'),
      /dynamic-input\.onnx: .*dynamic image dimensions/
    ],
    [
      'a mismatched input shape',
      'onnx',
      onnxFixture('rgb-32'),
      /rgb-32\.onnx: the model expects 32×32×3 images/
    ],
    [
      'fewer classes than the dataset',
      'onnx',
      onnxFixture('seven-classes'),
      /seven-classes\.onnx: the model outputs 7 class scores but the dataset has 10/
    ],
    [
      'a missing shard',
      'tfjs',
      tfjsFixture('missing-shard'),
      /model\.json: weight shard .*group1-shard1of1\.bin is missing/
    ],
    [
      'a missing file',
      'onnx',
      '/nonexistent/model.onnx',
      /\/nonexistent\/model\.onnx: the file does not exist/
    ]
  ])('refuses %s with the file and the problem named', async (_, format, path, message) => {
    await expect(
      check({ format, path, preprocessing: format === 'onnx' ? FMNIST_ONNX_PREP : {} })
    ).rejects.toThrow(message)
  })
})
