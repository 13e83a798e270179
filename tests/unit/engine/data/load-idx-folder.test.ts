import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  DIGIT_CLASSES,
  FASHION_MNIST_CLASSES,
  loadIdxFolder
} from '../../../../main/engine/data/load-idx-folder'
import { encodeIdx, gzip, pixelsFor, tempFolder, writeIdxFolder } from './idx-fixture'

const FULL_FASHION = '/usr/share/datasets/fashion-mnist'
const root = tempFolder('flatline-idx-folder-')
afterAll(() => rmSync(root, { recursive: true, force: true }))

let folderCount = 0
/** A new folder under the test root with a small valid dataset: 12 train, 5 test images of 3×4. */
function smallFolder(name: string, options: { gz?: boolean; dotted?: boolean } = {}): string {
  const folder = path.join(root, `${folderCount++}`, name)
  writeIdxFolder(
    folder,
    { count: 12, height: 3, width: 4 },
    { count: 5, height: 3, width: 4 },
    options
  )
  return folder
}

describe('loadIdxFolder', () => {
  it('loads raw idx files into NHWC uint8 splits', async () => {
    const folder = smallFolder('mnist')
    const ds = await loadIdxFolder(folder)
    expect(ds.name).toBe('mnist')
    expect(ds.train).toMatchObject({ count: 12, height: 3, width: 4, channels: 1 })
    expect(ds.test).toMatchObject({ count: 5, height: 3, width: 4, channels: 1 })
    expect([...ds.train.images]).toEqual([...pixelsFor(12, 3, 4)])
    expect([...ds.test.labels]).toEqual([0, 1, 2, 3, 4])
    expect(ds.classNames).toEqual(DIGIT_CLASSES)
    expect(ds.flipPreservesLabel).toBe(false)
  })

  it('loads gzipped files with the dotted spelling some mirrors use', async () => {
    const ds = await loadIdxFolder(smallFolder('digits', { gz: true, dotted: true }))
    expect(ds.train.count).toBe(12)
    expect([...ds.train.images]).toEqual([...pixelsFor(12, 3, 4)])
  })

  it('uses Fashion-MNIST class names and allows flips when the folder looks like fashion', async () => {
    const ds = await loadIdxFolder(smallFolder('Fashion-MNIST', { gz: true }))
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES)
    expect(ds.flipPreservesLabel).toBe(true)
  })

  it('takes the dataset name into account, and options override the flip rule', async () => {
    const folder = smallFolder('data')
    const named = await loadIdxFolder(folder, { name: 'my-fashion' })
    expect(named.name).toBe('my-fashion')
    expect(named.classNames).toEqual(FASHION_MNIST_CLASSES)
    const noFlip = await loadIdxFolder(folder, { name: 'my-fashion', flipPreservesLabel: false })
    expect(noFlip.flipPreservesLabel).toBe(false)
  })

  it('reads class names from classes.txt, one per line', async () => {
    const folder = smallFolder('letters')
    writeFileSync(path.join(folder, 'classes.txt'), 'a\nb\r\nc\nd\ne\nf\ng\nh\ni\nj\n\n')
    const ds = await loadIdxFolder(folder)
    expect(ds.classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])
    expect(ds.flipPreservesLabel).toBe(false)
  })

  it('rejects labels beyond the classes listed in classes.txt, naming both files', async () => {
    const folder = smallFolder('few')
    writeFileSync(path.join(folder, 'classes.txt'), 'a\nb\nc\n')
    const labels = path.join(folder, 'train-labels-idx1-ubyte')
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${labels} has label 3 at index 3, but the dataset has 3 classes ` +
        `(from ${path.join(folder, 'classes.txt')})`
    )
  })

  it('rejects a classes.txt with fewer than two names', async () => {
    const folder = smallFolder('one')
    writeFileSync(path.join(folder, 'classes.txt'), 'only\n')
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${path.join(folder, 'classes.txt')} lists 1 class names`
    )
  })

  it('rejects a label out of range, naming the label file', async () => {
    const folder = smallFolder('mnist')
    const file = path.join(folder, 't10k-labels-idx1-ubyte')
    writeFileSync(file, encodeIdx([5], Uint8Array.from([0, 1, 2, 10, 4])))
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${file} has label 10 at index 3, but the dataset has 10 classes (from digits 0-9); labels must be 0..9`
    )
  })

  it('rejects an image count that differs from the label count, naming both files', async () => {
    const folder = smallFolder('mnist', { gz: true })
    const labels = path.join(folder, 'train-labels-idx1-ubyte.gz')
    writeFileSync(labels, gzip(encodeIdx([11], new Uint8Array(11))))
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${path.join(folder, 'train-images-idx3-ubyte.gz')} holds 12 images but ${labels} holds 11 labels`
    )
  })

  it('lists the expected names and the folder when a file is missing', async () => {
    const folder = smallFolder('mnist')
    rmSync(path.join(folder, 't10k-images-idx3-ubyte'))
    const error = await loadIdxFolder(folder).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toContain(`dataset folder ${folder} is missing t10k-images-idx3-ubyte(.gz)`)
    for (const name of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-labels-idx1-ubyte'
    ]) {
      expect(message).toContain(name)
    }
  })

  it('rejects a folder that does not exist', async () => {
    const missing = path.join(root, 'nowhere')
    await expect(loadIdxFolder(missing)).rejects.toThrow(`dataset folder ${missing} does not exist`)
  })

  it('rejects a label file put where an image file belongs', async () => {
    const folder = smallFolder('mnist')
    const images = path.join(folder, 'train-images-idx3-ubyte')
    renameSync(path.join(folder, 'train-labels-idx1-ubyte'), images)
    writeFileSync(path.join(folder, 'train-labels-idx1-ubyte'), encodeIdx([12], new Uint8Array(12)))
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${images} has dims [12]; an image file needs 3 dims`
    )
  })

  it('rejects splits with different image sizes, naming both image files', async () => {
    const folder = path.join(root, 'mixed')
    writeIdxFolder(folder, { count: 4, height: 3, width: 4 }, { count: 2, height: 4, width: 3 })
    const [train, test] = ['train', 't10k'].map((p) => path.join(folder, `${p}-images-idx3-ubyte`))
    await expect(loadIdxFolder(folder)).rejects.toThrow(
      `${train} holds 3×4 images but ${test} holds 4×3`
    )
  })

  it('passes on a corrupt file error that names the file', async () => {
    const folder = smallFolder('mnist', { gz: true })
    const file = path.join(folder, 't10k-images-idx3-ubyte.gz')
    writeFileSync(file, gzip(encodeIdx([5, 3, 4], new Uint8Array(60))).subarray(0, 20))
    await expect(loadIdxFolder(folder)).rejects.toThrow(`${file} is not a valid gzip stream`)
  })

  it.skipIf(!existsSync(FULL_FASHION))(
    `loads the full Fashion-MNIST: 60000/10000 balanced images (skipped when ${FULL_FASHION} is absent)`,
    async () => {
      const ds = await loadIdxFolder(FULL_FASHION)
      expect(ds.name).toBe('fashion-mnist')
      expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES)
      expect(ds.flipPreservesLabel).toBe(true)
      expect(ds.train).toMatchObject({ count: 60000, height: 28, width: 28, channels: 1 })
      expect(ds.test).toMatchObject({ count: 10000, height: 28, width: 28, channels: 1 })
      expect(ds.train.images.length).toBe(60000 * 784)
      const perClass = new Array<number>(10).fill(0)
      for (const label of ds.train.labels) perClass[label]++
      expect(perClass).toEqual(new Array<number>(10).fill(6000))
    }
  )
})
