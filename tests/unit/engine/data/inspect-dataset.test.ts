import { mkdir, mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DatasetSpec,
  type DatasetSpec as DatasetSpecType
} from '../../../../main/contract/audit-spec'
import { embeddedDemoDir, loadEmbeddedDemo } from '../../../../main/engine/data/embedded-demo'
import { inspectDataset } from '../../../../main/engine/data/inspect-dataset'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/datasets/${name}`, import.meta.url))
const inspect = (dataset: Partial<DatasetSpecType>) =>
  inspectDataset({ dataset: DatasetSpec.parse(dataset) })
const decodeDataUrl = (url: string) =>
  PNG.sync.read(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64'))
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

describe('inspectDataset', () => {
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'flatline-inspect-'))
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('summarises the embedded demo with its seeded validation split, a sample grid of real pixels and its memory', async () => {
    const r = await inspect({ source: 'embedded', validationSize: 600, splitSeed: 3 })
    expect(r).toMatchObject({
      name: 'fashion-mnist-demo',
      source: 'embedded',
      imageShape: [28, 28, 1],
      problems: []
    })
    expect(r.classNames[9]).toBe('Ankle boot')
    expect(r.train.count).toBe(5400)
    expect(r.validation?.count).toBe(600)
    expect(sum(r.train.perClass) + sum(r.validation!.perClass)).toBe(6000)
    expect(r.test.count).toBe(1000)
    expect(r.samples).toHaveLength(10)
    expect(r.samples.every((row) => row.images.length === 8)).toBe(true)
    expect(r.memoryBytes).toBe((5400 + 600 + 1000) * 785)
    // The first sample of a class is a training image of that class, pixel for pixel (gray drawn as R=G=B).
    const png = decodeDataUrl(r.samples[0].images[0])
    expect([png.width, png.height]).toEqual([28, 28])
    const demo = await loadEmbeddedDemo()
    const pixels = Array.from({ length: 784 }, (_, p) => png.data[p * 4])
    const candidates = Array.from({ length: 6000 }, (_, i) => i).filter(
      (i) => demo.train.labels[i] === 0
    )
    expect(
      candidates.some((i) => pixels.every((v, p) => v === demo.train.images[i * 784 + p]))
    ).toBe(true)
    const again = await inspect({ source: 'embedded', validationSize: 600, splitSeed: 3 })
    expect(again.validation?.perClass).toEqual(r.validation?.perClass)
  })

  it('reads an idx folder under a train limit', async () => {
    const r = await inspect({
      source: 'idx-folder',
      path: embeddedDemoDir(),
      trainLimit: 500,
      testLimit: 100
    })
    expect(r.format).toBe('MNIST-style idx files')
    expect([r.train.count, sum(r.train.perClass), r.test.count]).toEqual([500, 500, 100])
    expect(r.validation).toBeUndefined()
  })

  it('reads CIFAR-10 and lists the classes the fixture lacks as problems', async () => {
    const r = await inspect({ source: 'cifar-binary', path: fixture('cifar-10') })
    expect(r).toMatchObject({ format: 'CIFAR-10 binary batches', imageShape: [32, 32, 3] })
    expect(r.train.perClass).toEqual([0, 0, 0, 0, 0, 0, 3, 3, 0, 0])
    expect(r.samples[6].images).toHaveLength(3)
    expect(r.samples[0].images).toHaveLength(0)
    expect(r.problems).toContain('class "airplane" has no training images.')
    expect(decodeDataUrl(r.samples[7].images[0]).width).toBe(32)
  })

  it('reads CIFAR-100 fine labels and shows only the first classes in the grid', async () => {
    const dir = join(tmp, 'cifar-100')
    await mkdir(dir, { recursive: true })
    const batch = (fine: number[]) => {
      const bytes = new Uint8Array(fine.length * 3074)
      fine.forEach((label, i) => (bytes[i * 3074 + 1] = label))
      return bytes
    }
    await writeFile(join(dir, 'train.bin'), batch([1, 1, 99]))
    await writeFile(join(dir, 'test.bin'), batch([2, 3]))
    const r = await inspectDataset({
      dataset: DatasetSpec.parse({ source: 'cifar-binary', path: dir }),
      sampleClasses: 4,
      samplesPerClass: 1
    })
    expect(r.format).toBe('CIFAR-100 binary batches')
    expect(r.classNames).toHaveLength(100)
    expect(r.train.perClass[1]).toBe(2)
    expect(r.train.perClass[99]).toBe(1)
    expect(r.samples.map((s) => s.images.length)).toEqual([0, 1, 0, 0])
  })

  it('reads an image folder at a chosen size', async () => {
    const r = await inspect({
      source: 'image-folder',
      path: fixture('image-folder'),
      imageSize: 16
    })
    expect(r).toMatchObject({
      classNames: ['shirt', 'sneaker'],
      imageShape: [16, 16, 1],
      problems: []
    })
    expect(r.train.perClass).toEqual([3, 4])
    expect(r.test.perClass).toEqual([2, 2])
    expect(r.samples.map((s) => s.images.length)).toEqual([3, 4])
    expect(decodeDataUrl(r.samples[1].images[3]).width).toBe(16)
  })

  it('turns an unreadable image, an empty class and the memory budget into problems naming the file, class or knob', async () => {
    const unreadable = await inspect({
      source: 'image-folder',
      path: fixture('image-folder-unreadable')
    })
    expect(unreadable.problems).toHaveLength(1)
    expect(unreadable.problems[0]).toMatch(/train\/shirt\/broken\.png: cannot decode the image/)
    expect(unreadable.train.count).toBe(0)
    const empty = await inspect({
      source: 'image-folder',
      path: fixture('image-folder-empty-class')
    })
    expect(empty.problems[0]).toMatch(
      /image-folder-empty-class\/train\/bag: class "bag" has no PNG or JPEG images in train\//
    )
    const before = process.env.FLATLINE_DATASET_MEMORY_MB
    process.env.FLATLINE_DATASET_MEMORY_MB = '0.01'
    try {
      const big = await inspect({ source: 'cifar-binary', path: fixture('cifar-10') })
      expect(big.problems[0]).toMatch(
        /cifar-10 \(6 \+ 4 cifar-10 images\): needs 30\.0 kB as uint8 but the dataset memory budget is 10\.2 kB; set dataset\.trainLimit/
      )
    } finally {
      if (before === undefined) delete process.env.FLATLINE_DATASET_MEMORY_MB
      else process.env.FLATLINE_DATASET_MEMORY_MB = before
    }
  })
})
