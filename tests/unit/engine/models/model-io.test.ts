import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainingRecipe } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { EVAL } from '../../../../main/engine/models/forward-context'
import { loadClassifier, saveClassifier } from '../../../../main/engine/models/model-io'
import { tinyConfig } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

const fields = {
  name: 'm',
  dataset: 'test',
  recipe: TrainingRecipe.parse({}),
  seed: 9,
  metrics: []
}

describe('saveClassifier / loadClassifier', () => {
  it('round-trips weights and BN buffers: the loaded model gives the same logits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatline-model-'))
    const model = buildClassifier(tinyConfig('small-resnet', 4), new Rng(1))
    model.params.buffers.get('stem/bn/moving_mean')!.assign(tf.fill([4], 0.25))
    const manifest = await saveClassifier(model, dir, fields)
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(manifest.params).toBe(model.params.countTrainable())
    const { model: loaded } = await loadClassifier(dir)
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D
    const a = tf.tidy(() => model.forward(x, EVAL))
    const b = tf.tidy(() => loaded.forward(x, EVAL))
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
    tf.dispose([x, a, b])
    model.params.dispose()
    loaded.params.dispose()
  })

  it('refuses weights that do not match the manifest hash, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatline-model-'))
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    await saveClassifier(model, dir, fields)
    const bytes = await readFile(join(dir, 'weights.bin'))
    bytes[10] ^= 0xff
    await writeFile(join(dir, 'weights.bin'), bytes)
    await expect(loadClassifier(dir)).rejects.toThrow(
      /weights\.bin does not match its manifest's hash/
    )
    model.params.dispose()
  })

  it('refuses a manifest edited into invalid JSON, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatline-model-'))
    await writeFile(join(dir, 'manifest.json'), '{ "format": ')
    await expect(loadClassifier(dir)).rejects.toThrow(/manifest\.json/)
  })
})
