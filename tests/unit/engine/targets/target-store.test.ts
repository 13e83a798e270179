import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { batchTensors, range, type ImageDataset } from '../../../../main/engine/data/dataset'
import {
  importTarget,
  listTargets,
  loadStoredTarget
} from '../../../../main/engine/targets/target-store'
import { tinyDataset } from '../../helpers/tiny-data'
import type { TargetPreprocessingInput } from '../../../../main/engine/targets/target-preprocessing'
import { FMNIST_ONNX_PREP, onnxFixture, tfjsFixture } from './target-fixtures'

let data: ImageDataset
let dir: string
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 200)
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flatline-targets-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('importTarget', () => {
  it('stores an ONNX model under its content hash with its natural accuracy, once', async () => {
    const record = await importTarget(
      dir,
      {
        file: onnxFixture('fmnist-cnn'),
        name: 'in-house cnn',
        preprocessing: FMNIST_ONNX_PREP,
        sample: 100
      },
      data
    )
    expect(record.id).toMatch(/^[0-9a-f]{16}$/)
    expect(record).toMatchObject({
      modelFormat: 'onnx',
      entry: 'fmnist-cnn.onnx',
      inputShape: [28, 28, 1],
      layout: 'NCHW',
      outputClasses: 10,
      sampled: 100
    })
    expect(record.naturalAccuracy).toBeGreaterThan(0.3)
    expect(await readdir(join(dir, record.id))).toEqual(['fmnist-cnn.onnx', 'target.json'])
    const again = await importTarget(
      dir,
      { file: onnxFixture('fmnist-cnn'), name: 'again', preprocessing: FMNIST_ONNX_PREP },
      data
    )
    expect(again.id).toBe(record.id)
    expect(again.name).toBe('in-house cnn')
    expect((await listTargets(dir)).map((r) => r.id)).toEqual([record.id])
  })

  it('stores a TensorFlow.js model with its shard and loads it back with the same predictions', async () => {
    const prep = { output: 'probabilities' as const }
    const record = await importTarget(
      dir,
      { file: tfjsFixture('fmnist-layers'), name: 'tfjs', preprocessing: prep, sample: 50 },
      data
    )
    expect(record.modelFormat).toBe('tfjs-layers')
    expect((await readdir(join(dir, record.id))).sort()).toEqual([
      'group1-shard1of1.bin',
      'model.json',
      'target.json'
    ])
    const { model } = await loadStoredTarget(dir, record.id)
    const { x, y } = batchTensors(data.test, range(10))
    const labels = Array.from(y.dataSync())
    const hits = Array.from(await model.predict(x)).filter((p, i) => p === labels[i]).length
    expect(hits).toBeGreaterThan(3)
    tf.dispose([x, y])
    await model.dispose()
  })

  it('keeps the warning of a near-chance import in the record', async () => {
    const record = await importTarget(
      dir,
      {
        file: onnxFixture('fmnist-cnn'),
        name: 'bad prep',
        preprocessing: { ...FMNIST_ONNX_PREP, range: [0, 255] },
        sample: 200
      },
      data
    )
    expect(record.warning).toMatch(/near chance.*preprocessing\.range/)
  })

  it.each<[string, string, TargetPreprocessingInput, RegExp]>([
    [
      'a non-classifier',
      onnxFixture('not-classifier'),
      FMNIST_ONNX_PREP,
      /not-classifier\.onnx: not a classifier/
    ],
    [
      'a dynamic input shape',
      onnxFixture('dynamic-input'),
      FMNIST_ONNX_PREP,
      /dynamic-input\.onnx: .*dynamic image dimensions/
    ],
    [
      'a mismatched input shape',
      onnxFixture('rgb-32'),
      { layout: 'NCHW' },
      /rgb-32\.onnx: the model expects 32×32×3 images/
    ],
    [
      'fewer classes than the dataset',
      onnxFixture('seven-classes'),
      FMNIST_ONNX_PREP,
      /seven-classes\.onnx: the model outputs 7 class scores but the dataset has 10/
    ],
    [
      'a missing shard',
      tfjsFixture('missing-shard'),
      {},
      /model\.json: weight shard .*group1-shard1of1\.bin is missing/
    ],
    [
      'an invalid preprocessing',
      onnxFixture('fmnist-cnn'),
      { layout: 'NCWH' } as unknown as TargetPreprocessingInput,
      /fmnist-cnn\.onnx: invalid preprocessing \(layout: /
    ],
    ['an unknown file type', 'model.pt', {}, /model\.pt: unknown model format/]
  ])('refuses %s and leaves the store as it was', async (_, file, preprocessing, message) => {
    const stored = await importTarget(
      dir,
      { file: onnxFixture('fmnist-cnn'), name: 'ok', preprocessing: FMNIST_ONNX_PREP, sample: 20 },
      data
    )
    const before = (await readdir(dir)).sort()
    // A real file of an unknown type, outside the store.
    if (file === 'model.pt') {
      file = `${dir}-model.pt`
      await writeFile(file, 'not a model')
    }
    await expect(
      importTarget(dir, { file, name: 'bad', preprocessing, sample: 20 }, data)
    ).rejects.toThrow(message)
    if (file.endsWith('model.pt')) await rm(file)
    expect((await readdir(dir)).sort()).toEqual(before)
    expect((await listTargets(dir)).map((r) => r.id)).toEqual([stored.id])
  })

  it('refuses to load a stored target whose file was changed', async () => {
    const record = await importTarget(
      dir,
      { file: onnxFixture('fmnist-cnn'), name: 'x', preprocessing: FMNIST_ONNX_PREP, sample: 20 },
      data
    )
    const path = join(dir, record.id, 'fmnist-cnn.onnx')
    const bytes = await readFile(path)
    bytes[bytes.length - 1] ^= 0xff
    await writeFile(path, bytes)
    await expect(loadStoredTarget(dir, record.id)).rejects.toThrow(
      /fmnist-cnn\.onnx does not match its recorded hash/
    )
  })
})
