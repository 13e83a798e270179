import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { TargetCheckRequest } from '../../../../main/contract/target-zoo'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { batchTensors, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import { predictTensor } from '../../../../main/engine/evaluation/predict'
import { loadImportedTarget } from '../../../../main/engine/jobs/load-imported-target'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { ModelConfig } from '../../../../main/engine/models/classifier'
import { checkTarget, seededSample } from '../../../../main/engine/targets/check-target'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'
import { saveTinyModel } from './trained-model-fixture'

let data: ImageDataset
let root: string

beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 60)
  root = await mkdtemp(join(tmpdir(), 'flatline-trained-target-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('models trained in Flatline as targets', () => {
  it('checks one with its manifest hash and the accuracy its own classifier gives on the sample', async () => {
    const dir = join(root, 'good')
    const manifest = await saveTinyModel(dir)
    const result = await checkTarget(
      TargetCheckRequest.parse({ format: 'flatline', path: dir, sampleSize: 40, seed: 3 }),
      data
    )
    expect(result.detected).toMatchObject({
      modelFormat: 'flatline',
      inputShape: [28, 28, 1],
      layout: 'NHWC',
      outputs: 10
    })
    expect(result.sha256).toBe(manifest.sha256)
    expect(result.sampled).toBe(40)
    // The same images through the classifier itself (not through the target wrapper).
    const model = buildClassifier(tinyConfig('small-cnn'), new Rng(7))
    const sample = seededSample(data.test, 40, 3)
    const { x, y } = batchTensors(
      sample,
      Array.from({ length: 40 }, (_, i) => i)
    )
    const own = await predictTensor(model, x)
    tf.dispose([x, y])
    model.params.dispose()
    expect(result.correct).toBe(own.filter((p, i) => p === sample.labels[i]).length)
    // Untrained: near chance, blamed on training, not on a preprocessing it does not have.
    expect(result.nearChance).toBe(true)
    expect(result.warning).toMatchObject({
      likelyCause: 'unknown',
      message: expect.stringMatching(/under-trained/)
    })
  })

  it.each<[string, ModelConfig, RegExp]>([
    [
      'another class count',
      { ...tinyConfig('small-cnn'), numClasses: 7 },
      /the model outputs 7 class scores but the dataset has 10 classes/
    ],
    [
      'another input shape',
      {
        ...tinyConfig('small-cnn'),
        inputShape: [32, 32, 3],
        normalization: { mean: [0.5], std: [0.5] }
      },
      /expects 32×32×3 images/
    ]
  ])('refuses a model trained on %s, naming the folder', async (label, config, message) => {
    const dir = join(root, label.replace(/ /g, '-'))
    await saveTinyModel(dir, config)
    await expect(
      checkTarget(TargetCheckRequest.parse({ format: 'flatline', path: dir, sampleSize: 10 }), data)
    ).rejects.toThrow(message)
  })

  it('refuses changed weights and a folder that is no model', async () => {
    const dir = join(root, 'tampered')
    await saveTinyModel(dir)
    const bytes = await readFile(join(dir, 'weights.bin'))
    bytes[0] ^= 0xff
    await writeFile(join(dir, 'weights.bin'), bytes)
    await expect(
      checkTarget(TargetCheckRequest.parse({ format: 'flatline', path: dir, sampleSize: 10 }), data)
    ).rejects.toThrow(/does not match its manifest's hash/)
    await expect(
      checkTarget(
        TargetCheckRequest.parse({ format: 'flatline', path: root, sampleSize: 10 }),
        data
      )
    ).rejects.toThrow(/not a model trained in Flatline: cannot read its manifest\.json/)
  })

  it('loads as an audit importedTargets entry with the manifest hash, predicting like the classifier', async () => {
    const dir = join(root, 'imported')
    const manifest = await saveTinyModel(dir)
    const demo = JSON.parse(await readFile('examples/demo-audit.json', 'utf8')) as object
    const spec = AuditSpec.parse({
      ...demo,
      importedTargets: [{ name: 'ours', format: 'flatline', path: dir }]
    })
    const loaded = await loadImportedTarget(spec.importedTargets![0], data)
    expect(loaded.result).toMatchObject({
      name: 'ours',
      role: 'target',
      arch: 'flatline',
      hash: manifest.sha256,
      params: manifest.params
    })
    const { x, y } = batchTensors(data.test, [0, 1, 2, 3, 4, 5])
    const model = buildClassifier(tinyConfig('small-cnn'), new Rng(7))
    expect(Array.from(await loaded.model.predict(x))).toEqual(
      Array.from(await predictTensor(model, x))
    )
    tf.dispose([x, y])
    model.params.dispose()
    await loaded.model.dispose()
    await expect(
      loadImportedTarget({ ...spec.importedTargets![0], path: join(root, 'nowhere') }, data)
    ).rejects.toThrow(/cannot read the imported target "ours": no manifest\.json in that folder/)
  })
})
