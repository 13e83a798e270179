import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadImageFolder } from '../../../../main/engine/data/image-folder'
import { loadEmbeddedDemo } from '../../../../main/engine/data/embedded-demo'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/datasets/${name}`, import.meta.url))

describe('image-folder datasets', () => {
  it('reads PNG and JPEG class folders, sorted, as a grayscale dataset with the pixels it was made from', async () => {
    const data = await loadImageFolder(fixture('image-folder'))
    expect(data.classNames).toEqual(['shirt', 'sneaker'])
    expect(data.train).toMatchObject({ count: 7, height: 28, width: 28, channels: 1 })
    // Round-robin class order, so a trainLimit keeps every class.
    expect(Array.from(data.train.labels)).toEqual([0, 1, 0, 1, 0, 1, 1])
    expect(data.test.count).toBe(4)
    // The first shirt PNG is the first shirt (class 6) of the embedded test split, losslessly.
    const demo = await loadEmbeddedDemo()
    const k = demo.test.labels.indexOf(6)
    expect(Array.from(data.train.images.subarray(0, 784))).toEqual(
      Array.from(demo.test.images.subarray(k * 784, (k + 1) * 784))
    )
  })

  it('refuses an unreadable image, naming it', async () => {
    await expect(loadImageFolder(fixture('image-folder-unreadable'))).rejects.toThrow(
      /image-folder-unreadable\/train\/shirt\/broken\.png: cannot decode the image .*remove or replace the file/
    )
  })

  it('refuses an empty class, naming its folder', async () => {
    await expect(loadImageFolder(fixture('image-folder-empty-class'))).rejects.toThrow(
      /image-folder-empty-class\/train\/bag: class "bag" has no PNG or JPEG images in train\//
    )
  })

  it('refuses a folder without train/', async () => {
    await expect(loadImageFolder(fixture('cifar-10'))).rejects.toThrow(
      /cifar-10\/train: missing; an image-folder dataset has train\/<class>\//
    )
  })

  it('reads only the first images of each split in round-robin class order under limits', async () => {
    const data = await loadImageFolder(fixture('image-folder'), { trainLimit: 3, testLimit: 2 })
    expect(Array.from(data.train.labels)).toEqual([0, 1, 0])
    expect(Array.from(data.test.labels)).toEqual([0, 1])
    expect(data.train.images.length).toBe(3 * 28 * 28)
  })

  it('resizes every image to imageSize with a box filter', async () => {
    const full = await loadImageFolder(fixture('image-folder'))
    const small = await loadImageFolder(fixture('image-folder'), { imageSize: 14 })
    expect(small.train).toMatchObject({ count: 7, height: 14, width: 14, channels: 1 })
    // Output pixel (3, 5) of image 1 averages source pixels (6..7, 10..11).
    const src = (y: number, x: number) => full.train.images[784 + y * 28 + x]
    const expected = Math.round((src(6, 10) + src(6, 11) + src(7, 10) + src(7, 11)) / 4)
    expect(small.train.images[196 + 3 * 14 + 5]).toBe(expected)
  })

  it('refuses a dataset larger than the memory budget before decoding, saying what to change', async () => {
    // 11 images of 28×28×3 read as RGB plus labels = 25,883 bytes.
    await expect(
      loadImageFolder(fixture('image-folder'), { memoryBudget: 20_000 })
    ).rejects.toThrow(
      /image-folder \(7 \+ 4 images of 28×28×3\): needs 25\.3 kB as uint8 but the dataset memory budget is 19\.5 kB; set dataset\.trainLimit \/ dataset\.testLimit.*smaller dataset\.imageSize.*FLATLINE_DATASET_MEMORY_MB/
    )
    await expect(
      loadImageFolder(fixture('image-folder'), { memoryBudget: 20_000, trainLimit: 4 })
    ).resolves.toMatchObject({ train: { count: 4 } })
  })
})
