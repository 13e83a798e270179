import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { collectLgv } from '../../../../main/engine/training/collect-lgv'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(160, 8)
})

const options = {
  epochs: 2,
  perEpoch: 2,
  momentum: 0.9,
  batchSize: 32,
  augment: { cropPadding: 2, flip: true }
}
const dump = (m: ReturnType<typeof buildClassifier>, which: 'trainable' | 'buffers') =>
  [...m.params[which]].map(([name, v]) => [name, Array.from(v.dataSync())])

describe('collectLgv (training spec §7, oracle 27)', () => {
  it('collects epochs × perEpoch members, floor(N/perEpoch) iterations apart; η = λ = 0 keeps the trainable weights', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    const start = dump(model, 'trainable')
    const startBuffers = dump(model, 'buffers')
    const members: unknown[] = []
    const before = tf.memory().numTensors
    const result = await collectLgv(model, data.train, {
      ...options,
      lr: 0,
      weightDecay: 0,
      rng: new Rng(2),
      onMember: (i, m) => void members.push([i, dump(m, 'trainable')])
    })
    expect(result).toEqual({ members: 4, iterationsPerPart: 2, passes: 8 }) // N = 5 batches → floor(5/2) = 2
    expect(members.map((m) => (m as [number])[0])).toEqual([1, 2, 3, 4])
    for (const m of members) expect((m as [number, unknown])[1]).toEqual(start)
    expect(dump(model, 'buffers')).not.toEqual(startBuffers) // TRAIN+UPDATE still moves BN statistics
    expect(tf.memory().numTensors).toBe(before)
    model.params.dispose()
  })

  it('moves the weights at a non-zero LR, so members differ', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    const heads: number[][] = []
    await collectLgv(model, data.train, {
      ...options,
      lr: 0.05,
      weightDecay: 1e-4,
      rng: new Rng(2),
      onMember: (_, m) =>
        void heads.push(Array.from(m.params.trainable.get('head/kernel')!.dataSync()))
    })
    expect(new Set(heads.map((h) => h.join(','))).size).toBe(4)
    model.params.dispose()
  })

  it('names the fix when an epoch has too few batches for the members asked', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    await expect(
      collectLgv(model, data.train, {
        ...options,
        perEpoch: 8,
        lr: 0.05,
        weightDecay: 0,
        rng: new Rng(2),
        onMember: () => {}
      })
    ).rejects.toThrow(/5 batches per epoch cannot make 8 models.*lower perEpoch/)
    model.params.dispose()
  })
})
