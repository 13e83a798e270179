/**
 * Tells which dataset layout a folder holds, for the Datasets view's "pick a folder": the four idx
 * files (MNIST-style), CIFAR-10 or CIFAR-100 binary batches, or train/<class>/ + test/<class>/
 * image folders. When none fits it says what each layout would need, naming the folder, and points
 * at a subfolder that does fit (users often pick the folder above the unpacked archive).
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DatasetDetection } from '../../contract/dataset-inspection'

const IDX_STEMS = ['train-images', 'train-labels', 't10k-images', 't10k-labels'] as const

const idxPattern = (stem: string): RegExp => new RegExp(`^${stem}[-.]idx[13]-ubyte(\\.gz)?$`, 'i')

interface Entry {
  name: string
  isDir: boolean
}

async function entries(dir: string): Promise<Entry[]> {
  const list = await readdir(dir, { withFileTypes: true })
  return list
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
}

async function subdirs(dir: string): Promise<string[]> {
  return (await entries(dir).catch(() => []))
    .filter((e) => e.isDir)
    .map((e) => e.name)
    .sort()
}

type Found = Omit<DatasetDetection, 'path'>

/** The layout of `dir` from its listing, or a partial match's message (source null). */
async function classify(dir: string, list: Entry[]): Promise<Found | undefined> {
  const files = list.filter((e) => !e.isDir).map((e) => e.name)
  const dirs = list.filter((e) => e.isDir).map((e) => e.name)

  const idxFound = IDX_STEMS.filter((stem) => files.some((f) => idxPattern(stem).test(f)))
  if (idxFound.length === IDX_STEMS.length)
    return {
      source: 'idx-folder',
      format: 'MNIST-style idx files',
      message: `${dir}: MNIST-style idx files (train and t10k images and labels).`
    }
  if (idxFound.length > 0) {
    const missing = IDX_STEMS.filter((s) => !idxFound.includes(s)).map(
      (s) => `${s}-idx${s.endsWith('labels') ? 1 : 3}-ubyte(.gz)`
    )
    return {
      source: null,
      format: null,
      message: `${dir}: has idx files but is missing ${missing.join(', ')}; an idx dataset needs all four files.`
    }
  }

  const batches = files.filter((f) => /^data_batch_\d+\.bin$/.test(f))
  const hasTestBatch = files.includes('test_batch.bin')
  if (batches.length > 0 && hasTestBatch)
    return {
      source: 'cifar-binary',
      format: 'CIFAR-10 binary batches',
      message: `${dir}: CIFAR-10 binary batches (${batches.length} training batch${batches.length > 1 ? 'es' : ''} + test_batch.bin).`
    }
  if (batches.length > 0 || hasTestBatch)
    return {
      source: null,
      format: null,
      message: `${dir}: has ${hasTestBatch ? 'test_batch.bin but no data_batch_N.bin training batches' : `${batches.join(', ')} but no test_batch.bin`}; CIFAR-10 needs both.`
    }
  const hasTrainBin = files.includes('train.bin')
  const hasTestBin = files.includes('test.bin')
  if (hasTrainBin && hasTestBin)
    return {
      source: 'cifar-binary',
      format: 'CIFAR-100 binary batches',
      message: `${dir}: CIFAR-100 binary batches (train.bin + test.bin).`
    }
  if (hasTrainBin || hasTestBin)
    return {
      source: null,
      format: null,
      message: `${dir}: has ${hasTrainBin ? 'train.bin but no test.bin' : 'test.bin but no train.bin'}; CIFAR-100 needs both.`
    }

  if (dirs.includes('train')) {
    const classes = await subdirs(path.join(dir, 'train'))
    if (classes.length < 2)
      return {
        source: null,
        format: null,
        message: `${path.join(dir, 'train')}: has ${classes.length} class folder(s); an image folder needs one subfolder per class, at least 2.`
      }
    if (!dirs.includes('test'))
      return {
        source: null,
        format: null,
        message: `${dir}: has train/ with ${classes.length} class folders but no test/; add test/<class>/ folders with the same class names.`
      }
    return {
      source: 'image-folder',
      format: `image folder with ${classes.length} classes`,
      message: `${dir}: image folder with ${classes.length} classes (${classes.slice(0, 5).join(', ')}${classes.length > 5 ? ', …' : ''}).`
    }
  }
  return undefined
}

export async function detectDataset(folder: string): Promise<DatasetDetection> {
  const dir = path.resolve(folder)
  const info = await stat(dir).catch(() => undefined)
  if (!info)
    return {
      path: dir,
      source: null,
      format: null,
      message: `${dir}: does not exist; pick the folder holding the dataset.`
    }
  if (!info.isDirectory())
    return {
      path: dir,
      source: null,
      format: null,
      message: `${dir}: is a file, not a folder; pick the folder holding it.`
    }
  const list = await entries(dir).catch(() => undefined)
  if (!list)
    return {
      path: dir,
      source: null,
      format: null,
      message: `${dir}: cannot be read; check its permissions.`
    }
  const found = await classify(dir, list)
  if (found) return { path: dir, ...found }

  // Picked the folder above the unpacked archive? Name the subfolder that fits.
  for (const sub of list
    .filter((e) => e.isDir)
    .map((e) => e.name)
    .sort()) {
    const inner = path.join(dir, sub)
    const fits = await classify(inner, await entries(inner).catch(() => []))
    if (fits?.source)
      return {
        path: dir,
        source: null,
        format: null,
        message: `${dir}: holds no dataset itself, but its subfolder ${sub} has ${fits.format}; pick ${inner}.`
      }
  }
  const classLike = list.filter((e) => e.isDir).length >= 2
  return {
    path: dir,
    source: null,
    format: null,
    message:
      `${dir}: no dataset found. Expected one of: the four idx files (train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte, ` +
      `t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte); CIFAR-10 batches (data_batch_1.bin… + test_batch.bin) or CIFAR-100 ` +
      `(train.bin + test.bin); or image folders train/<class>/ and test/<class>/ of PNG or JPEG files` +
      (classLike ? ` (its subfolders look like classes: put them under train/ and test/).` : '.')
  }
}
