import { describe, expect, it } from 'vitest'
import { DatasetSpec } from '../../../../main/contract/audit-spec'
import type { ImageSplit } from '../../../../main/engine/data/dataset'
import { loadDataset } from '../../../../main/engine/data/load-dataset'
import { splitValidation, stratifiedQuota } from '../../../../main/engine/data/split-validation'

/** Image i is one pixel holding i (mod 256) with an unbalanced label pattern, so images are traceable. */
function fakeSplit(count: number): ImageSplit {
  const labels = new Uint8Array(count).map((_, i) => (i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2))
  const images = new Uint8Array(count * 2).map((_, p) =>
    p % 2 === 0 ? (p / 2) % 256 : Math.floor(p / 2 / 256)
  )
  return { images, labels, count, height: 1, width: 1, channels: 2 }
}
const ids = (s: ImageSplit) =>
  Array.from({ length: s.count }, (_, i) => s.images[2 * i] + 256 * s.images[2 * i + 1])
const countLabels = (s: ImageSplit) => [0, 1, 2].map((c) => s.labels.filter((l) => l === c).length)

describe('splitValidation', () => {
  it('holds out exactly `size` images disjoint from the kept training images, labels travelling with them', () => {
    const split = fakeSplit(300)
    const { train, validation } = splitValidation(split, 50, 7)
    expect([train.count, validation.count]).toEqual([250, 50])
    const t = ids(train)
    const v = ids(validation)
    expect(new Set([...t, ...v]).size).toBe(300)
    v.forEach((id, i) => expect(validation.labels[i]).toBe(split.labels[id]))
  })

  it('keeps the class proportions (60/30/10 %)', () => {
    expect(countLabels(splitValidation(fakeSplit(300), 50, 7).validation)).toEqual([30, 15, 5])
    expect(stratifiedQuota([7, 2, 1], 5)).toEqual([4, 1, 0])
    expect(stratifiedQuota([1, 1, 1], 2)).toEqual([1, 1, 0])
  })

  it('is deterministic under the seed and differs across seeds', () => {
    const split = fakeSplit(300)
    expect(ids(splitValidation(split, 50, 7).validation)).toEqual(
      ids(splitValidation(split, 50, 7).validation)
    )
    expect(ids(splitValidation(split, 50, 8).validation)).not.toEqual(
      ids(splitValidation(split, 50, 7).validation)
    )
  })

  it('refuses a validation split as large as the training set, naming dataset.validationSize', () => {
    expect(() => splitValidation(fakeSplit(40), 40, 0)).toThrow(
      /dataset\.validationSize \(40\) must be smaller than the training images \(40 after dataset\.trainLimit\)/
    )
  })

  it('is applied by loadDataset after trainLimit, seeded by splitSeed else the audit seed', async () => {
    const spec = DatasetSpec.parse({ trainLimit: 200, testLimit: 10, validationSize: 40 })
    const a = await loadDataset(spec, 3)
    expect([a.train.count, a.validation?.count, a.test.count]).toEqual([160, 40, 10])
    const b = await loadDataset({ ...spec, splitSeed: 3 }, 99)
    expect(Array.from(b.validation!.labels)).toEqual(Array.from(a.validation!.labels))
    expect(Buffer.from(b.validation!.images).equals(Buffer.from(a.validation!.images))).toBe(true)
    expect((await loadDataset(DatasetSpec.parse({ trainLimit: 200 }))).validation).toBeUndefined()
  })
})
