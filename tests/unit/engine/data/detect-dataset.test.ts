import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectDataset } from '../../../../main/engine/data/detect-dataset'
import { embeddedDemoDir } from '../../../../main/engine/data/embedded-demo'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/datasets/${name}`, import.meta.url))

describe('detectDataset', () => {
  let tmp: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'flatline-detect-'))
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  const folder = async (name: string, files: string[], dirs: string[] = []) => {
    const dir = join(tmp, name)
    for (const d of dirs) await mkdir(join(dir, d), { recursive: true })
    await mkdir(dir, { recursive: true })
    for (const f of files) await writeFile(join(dir, f), '')
    return dir
  }

  it('recognises idx files, CIFAR-10, CIFAR-100 and image folders', async () => {
    expect(await detectDataset(embeddedDemoDir())).toMatchObject({
      source: 'idx-folder',
      format: 'MNIST-style idx files'
    })
    expect(await detectDataset(fixture('cifar-10'))).toMatchObject({
      source: 'cifar-binary',
      format: 'CIFAR-10 binary batches'
    })
    const c100 = await folder('c100', ['train.bin', 'test.bin', 'fine_label_names.txt'])
    expect(await detectDataset(c100)).toMatchObject({
      source: 'cifar-binary',
      format: 'CIFAR-100 binary batches'
    })
    const detected = await detectDataset(fixture('image-folder'))
    expect(detected).toMatchObject({
      source: 'image-folder',
      format: 'image folder with 2 classes'
    })
    expect(detected.message).toContain('(shirt, sneaker)')
  })

  it('names what is missing from a partial layout', async () => {
    const idx = await folder('partial-idx', [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz'
    ])
    expect(await detectDataset(idx)).toEqual({
      path: idx,
      source: null,
      format: null,
      message: `${idx}: has idx files but is missing t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz); an idx dataset needs all four files.`
    })
    const cifar = await folder('no-test-batch', ['data_batch_1.bin', 'data_batch_2.bin'])
    expect((await detectDataset(cifar)).message).toBe(
      `${cifar}: has data_batch_1.bin, data_batch_2.bin but no test_batch.bin; CIFAR-10 needs both.`
    )
    const images = await folder('train-only', [], ['train/cat', 'train/dog'])
    expect((await detectDataset(images)).message).toBe(
      `${images}: has train/ with 2 class folders but no test/; add test/<class>/ folders with the same class names.`
    )
  })

  it('says what each layout needs for a folder that is none of them, and points at a fitting subfolder', async () => {
    const none = await folder('holiday-photos', ['notes.txt'], ['cats', 'dogs'])
    const result = await detectDataset(none)
    expect(result.source).toBeNull()
    expect(result.message).toMatch(
      new RegExp(
        `^${none}: no dataset found\\. Expected one of: the four idx files .*data_batch_1\\.bin.*train/<class>/`
      )
    )
    expect(result.message).toMatch(
      /its subfolders look like classes: put them under train\/ and test\//
    )
    const parent = await folder('downloads', [], ['cifar-10-batches-bin'])
    await writeFile(join(parent, 'cifar-10-batches-bin', 'data_batch_1.bin'), '')
    await writeFile(join(parent, 'cifar-10-batches-bin', 'test_batch.bin'), '')
    expect((await detectDataset(parent)).message).toBe(
      `${parent}: holds no dataset itself, but its subfolder cifar-10-batches-bin has CIFAR-10 binary batches; pick ${join(parent, 'cifar-10-batches-bin')}.`
    )
    expect((await detectDataset(join(tmp, 'nowhere'))).message).toBe(
      `${join(tmp, 'nowhere')}: does not exist; pick the folder holding the dataset.`
    )
    expect((await detectDataset(join(none, 'notes.txt'))).message).toMatch(
      /notes\.txt: is a file, not a folder/
    )
  })
})
