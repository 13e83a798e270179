import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadCifarFolder, parseCifarBatch } from '../../../../main/engine/data/cifar-binary'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/datasets/${name}`, import.meta.url))

describe('CIFAR binary batches', () => {
  it('reads a CIFAR-10 folder into NHWC splits with the class names of batches.meta.txt', async () => {
    const data = await loadCifarFolder(fixture('cifar-10'))
    expect(data.name).toBe('cifar-10')
    expect(data.classNames[6]).toBe('frog')
    expect(data.train).toMatchObject({ count: 6, height: 32, width: 32, channels: 3 })
    expect(Array.from(data.train.labels)).toEqual([6, 6, 6, 7, 7, 7])
    expect(data.test.count).toBe(4)
    // The fixture's green plane is 255 − red: NHWC keeps each pixel's channels together.
    const px = data.train.images.subarray((2 * 32 + 10) * 3, (2 * 32 + 10) * 3 + 3)
    expect(px[1]).toBe(255 - px[0])
  })

  it('converts planar pixels to NHWC and reads CIFAR-100 fine labels', () => {
    const record = new Uint8Array(2 + 3072)
    record[0] = 3 // coarse
    record[1] = 42 // fine
    record[2 + 5] = 10 // red of pixel 5
    record[2 + 1024 + 5] = 20 // green
    record[2 + 2048 + 5] = 30 // blue
    const split = parseCifarBatch(record, 'cifar-100', 'one.bin')
    expect(Array.from(split.labels)).toEqual([42])
    expect(Array.from(split.images.subarray(15, 18))).toEqual([10, 20, 30])
  })

  it('refuses a batch of the wrong size, naming the file', async () => {
    await expect(loadCifarFolder(fixture('cifar-10-truncated'))).rejects.toThrow(
      /cifar-10-truncated\/test_batch\.bin: 3173 bytes is not a whole number of 3073-byte cifar-10 records/
    )
  })

  it('refuses a CIFAR-100 batch read as CIFAR-10 by its labels', () => {
    const record = new Uint8Array(1 + 3072)
    record[0] = 57
    expect(() => parseCifarBatch(record, 'cifar-10', 'x.bin')).toThrow(
      /x\.bin: record 0 has label 57 but cifar-10 has classes 0–9/
    )
  })

  it('refuses a folder without batches', async () => {
    await expect(loadCifarFolder(fixture('image-folder'))).rejects.toThrow(
      /no CIFAR binary batches found/
    )
  })

  it('reads only the images the limits keep, and refuses a folder over the memory budget before reading it', async () => {
    const data = await loadCifarFolder(fixture('cifar-10'), { trainLimit: 4, testLimit: 1 })
    expect(data.train.count).toBe(4)
    expect(data.train.images.length).toBe(4 * 3072)
    expect(Array.from(data.train.labels)).toEqual([6, 6, 6, 7])
    expect(data.test.count).toBe(1)
    // 10 records × 3,073 bytes = 30.0 kB; the truncated folder is refused for its size before its bad batch is read.
    await expect(
      loadCifarFolder(fixture('cifar-10-truncated'), { memoryBudget: 10_000 })
    ).rejects.toThrow(
      /cifar-10-truncated \(\d+ \+ \d+ cifar-10 images\): needs [\d.]+ kB as uint8 but the dataset memory budget is 9\.8 kB; set dataset\.trainLimit/
    )
  })
})
