import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadImageFolder } from '../../../../main/engine/data/image-folder'
import { loadEmbeddedDemo } from '../../../../main/engine/data/embedded-demo'

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/datasets/${name}`, import.meta.url))

describe('image-folder datasets', () => {
  it('reads PNG and JPEG class folders, sorted, as a grayscale dataset with the pixels it was made from', async () => {
    const data = await loadImageFolder(fixture('image-folder'))
    expect(data.classNames).toEqual(['shirt', 'sneaker'])
    expect(data.train).toMatchObject({ count: 7, height: 28, width: 28, channels: 1 })
    expect(Array.from(data.train.labels)).toEqual([0, 0, 0, 1, 1, 1, 1])
    expect(data.test.count).toBe(4)
    // The first shirt PNG is the first shirt (class 6) of the embedded test split, losslessly.
    const demo = await loadEmbeddedDemo()
    const k = demo.test.labels.indexOf(6)
    expect(Array.from(data.train.images.subarray(0, 784))).toEqual(Array.from(demo.test.images.subarray(k * 784, (k + 1) * 784)))
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
    await expect(loadImageFolder(fixture('cifar-10'))).rejects.toThrow(/cifar-10\/train: missing; an image-folder dataset has train\/<class>\//)
  })
})
