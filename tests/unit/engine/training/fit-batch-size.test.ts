import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import { fitBatchSize, measurePass } from '../../../../main/engine/training/fit-batch-size'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { tinyConfig } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

describe('fitBatchSize', () => {
  // ResNet-18 at width 24 on 28×28: 1.6 M parameters, a large model, still quick at batch 2–4.
  const large = () => buildClassifier({ ...tinyConfig('resnet-18'), width: 24 }, new Rng(1))
  // The chosen batch's real pass is stubbed where the test is about the choice, to keep CI quick.
  const fitsAnyway = async (): Promise<void> => {}

  it('measures memory that grows with the batch and leaves no tensor behind', async () => {
    const model = large()
    const before = tf.memory().numTensors
    const [two, four] = [await measurePass(model, 2), await measurePass(model, 4)]
    expect(four).toBeGreaterThan(two)
    expect(tf.memory().numTensors).toBe(before)
    model.params.dispose()
  })

  it('keeps the recipe’s batch when it fits, and takes the largest power of two that fits when not', async () => {
    const model = large()
    expect(await fitBatchSize(model, 64, { budgetBytes: 2 ** 40, attempt: fitsAnyway })).toEqual({
      batchSize: 64
    })
    const perImage = ((await measurePass(model, 4)) - (await measurePass(model, 2))) / 2
    const fit = await fitBatchSize(model, 64, {
      budgetBytes: (await measurePass(model, 2)) + 8 * perImage,
      attempt: fitsAnyway
    })
    expect(fit.batchSize).toBeGreaterThanOrEqual(4)
    expect(fit.batchSize).toBeLessThanOrEqual(16)
    expect(fit.note).toMatch(
      /^batch 64 does not fit the \d+ MiB memory budget .* training at batch \d+ \(set FLATLINE_MEMORY_BUDGET_MIB/
    )
    model.params.dispose()
  })

  it('backs off, halving, when a pass runs out of memory after all', async () => {
    const model = large()
    const tried: number[] = []
    const attempt = async (batch: number) => {
      tried.push(batch)
      if (batch > 8) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded')
    }
    expect(await fitBatchSize(model, 64, { budgetBytes: 2 ** 40, attempt })).toMatchObject({
      batchSize: 8
    })
    expect(tried).toEqual([64, 32, 16, 8])
    await expect(
      fitBatchSize(model, 4, {
        budgetBytes: 2 ** 40,
        attempt: async () => Promise.reject(new Error('out of memory'))
      })
    ).rejects.toThrow(/even one image per batch does not fit in memory: out of memory/)
    model.params.dispose()
  })

  it('leaves small models alone', async () => {
    const model = buildClassifier(tinyConfig('small-cnn'), new Rng(1))
    expect(await fitBatchSize(model, 512, { budgetBytes: 1 })).toEqual({ batchSize: 512 })
    model.params.dispose()
  })
})
