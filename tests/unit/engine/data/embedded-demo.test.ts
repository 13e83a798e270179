import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ImageSplit } from '../../../../main/engine/data/dataset'
import { EMBEDDED_DEMO_NAME, loadEmbeddedDemo } from '../../../../main/engine/data/embedded-demo'
import { FASHION_MNIST_CLASSES, loadIdxFolder } from '../../../../main/engine/data/load-idx-folder'
import { RESOURCES_ENV } from '../../../../main/engine/data/resources-dir'
import { tempFolder } from './idx-fixture'

const FULL_FASHION = '/usr/share/datasets/fashion-mnist'

function perClass(split: ImageSplit): number[] {
  const counts = new Array<number>(10).fill(0)
  for (const label of split.labels) counts[label]++
  return counts
}

function imageKeys(split: ImageSplit, limit = split.count): string[] {
  const size = split.height * split.width * split.channels
  return Array.from({ length: limit }, (_, i) =>
    Buffer.from(split.images.subarray(i * size, (i + 1) * size)).toString('base64')
  )
}

// Tests run in order: the failing load comes first, before a successful load fills the cache.
describe('loadEmbeddedDemo', () => {
  it('rejects with the folder it looked in when the demo files are missing, and recovers later', async () => {
    const empty = tempFolder('flatline-no-demo-')
    process.env[RESOURCES_ENV] = empty
    try {
      await expect(loadEmbeddedDemo()).rejects.toThrow(
        `dataset folder ${path.join(empty, 'demo', 'fashion-mnist')} does not exist`
      )
    } finally {
      delete process.env[RESOURCES_ENV]
      rmSync(empty, { recursive: true, force: true })
    }
    await expect(loadEmbeddedDemo()).resolves.toMatchObject({ name: EMBEDDED_DEMO_NAME })
  })

  it('gives 6000 training and 1000 test images of 28×28×1 in 10 balanced classes', async () => {
    const ds = await loadEmbeddedDemo()
    expect(ds.name).toBe(EMBEDDED_DEMO_NAME)
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES)
    expect(ds.flipPreservesLabel).toBe(true)
    expect(ds.train).toMatchObject({ count: 6000, height: 28, width: 28, channels: 1 })
    expect(ds.test).toMatchObject({ count: 1000, height: 28, width: 28, channels: 1 })
    expect(ds.train.images.length).toBe(6000 * 784)
    expect(perClass(ds.train)).toEqual(new Array<number>(10).fill(600))
    expect(perClass(ds.test)).toEqual(new Array<number>(10).fill(100))
  })

  it('holds shuffled, real images: mixed labels up front and a Fashion-MNIST-like mean pixel', async () => {
    const ds = await loadEmbeddedDemo()
    expect(new Set(ds.train.labels.subarray(0, 50)).size).toBeGreaterThanOrEqual(8)
    let sum = 0
    for (const p of ds.train.images) sum += p
    // Fashion-MNIST's mean pixel is about 0.286 (72.9 / 255).
    expect(sum / ds.train.images.length / 255).toBeGreaterThan(0.25)
    expect(sum / ds.train.images.length / 255).toBeLessThan(0.32)
    expect(new Set(imageKeys(ds.train)).size).toBe(6000)
  })

  it('parses once per process', async () => {
    expect(await loadEmbeddedDemo()).toBe(await loadEmbeddedDemo())
  })

  it.skipIf(!existsSync(FULL_FASHION))(
    `takes train images from the original train split and test images from the test split ` +
      `(skipped when ${FULL_FASHION} is absent)`,
    async () => {
      const [demo, full] = await Promise.all([loadEmbeddedDemo(), loadIdxFolder(FULL_FASHION)])
      const fullTest = new Set(imageKeys(full.test))
      expect(imageKeys(demo.test).every((k) => fullTest.has(k))).toBe(true)
      const fullTrain = new Set(imageKeys(full.train))
      expect(imageKeys(demo.train, 500).every((k) => fullTrain.has(k))).toBe(true)
    }
  )
})
