/**
 * CIFAR-10 and CIFAR-100 binary batches (https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * CIFAR-10 records are 1 label byte + 3,072 pixel bytes; CIFAR-100 records 2 label bytes (coarse,
 * fine; we use fine) + 3,072. Pixels are stored planar (1,024 red, then green, then blue, rows of
 * 32); we convert to NHWC. The folder layouts are the ones the archives unpack to:
 * `data_batch_1..5.bin` + `test_batch.bin` + `batches.meta.txt` (CIFAR-10), or `train.bin` +
 * `test.bin` + `fine_label_names.txt` (CIFAR-100).
 */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImageDataset, ImageSplit } from './dataset'

export type CifarVariant = 'cifar-10' | 'cifar-100'

const SIDE = 32
const PIXELS = SIDE * SIDE * 3
const LABEL_BYTES: Record<CifarVariant, number> = { 'cifar-10': 1, 'cifar-100': 2 }
const CLASSES: Record<CifarVariant, number> = { 'cifar-10': 10, 'cifar-100': 100 }

const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']

/** Parses one binary batch; `file` only names the source in errors. */
export function parseCifarBatch(bytes: Uint8Array, variant: CifarVariant, file: string): ImageSplit {
  const record = LABEL_BYTES[variant] + PIXELS
  if (bytes.length === 0 || bytes.length % record !== 0)
    throw new Error(
      `${file}: ${bytes.length} bytes is not a whole number of ${record}-byte ${variant} records ` +
        `(${LABEL_BYTES[variant]} label byte${LABEL_BYTES[variant] > 1 ? 's' : ''} + 3,072 pixels); the file is truncated or not a ${variant} binary batch.`
    )
  const count = bytes.length / record
  const images = new Uint8Array(count * PIXELS)
  const labels = new Uint8Array(count)
  for (let i = 0; i < count; i++) {
    const base = i * record
    const label = bytes[base + LABEL_BYTES[variant] - 1]
    if (label >= CLASSES[variant])
      throw new Error(`${file}: record ${i} has label ${label} but ${variant} has classes 0–${CLASSES[variant] - 1}; is this a ${variant === 'cifar-10' ? 'CIFAR-100' : 'CIFAR-10'} batch?`)
    labels[i] = label
    const src = base + LABEL_BYTES[variant]
    for (let p = 0; p < SIDE * SIDE; p++)
      for (let c = 0; c < 3; c++) images[i * PIXELS + p * 3 + c] = bytes[src + c * SIDE * SIDE + p]
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 }
}

function concatSplits(splits: ImageSplit[]): ImageSplit {
  const count = splits.reduce((n, s) => n + s.count, 0)
  const images = new Uint8Array(count * PIXELS)
  const labels = new Uint8Array(count)
  let at = 0
  for (const s of splits) {
    images.set(s.images, at * PIXELS)
    labels.set(s.labels, at)
    at += s.count
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 }
}

async function readNames(path: string, expected: number): Promise<string[] | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined)
  const names = text?.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  return names && names.length === expected ? names : undefined
}

/** Loads a CIFAR-10 or CIFAR-100 binary folder, telling the variant from its file names. */
export async function loadCifarFolder(dir: string): Promise<ImageDataset> {
  const files = await readdir(dir).catch(() => {
    throw new Error(`${dir}: cannot read the folder; pick the folder the CIFAR binary archive unpacked to.`)
  })
  const read = async (name: string, variant: CifarVariant) => parseCifarBatch(new Uint8Array(await readFile(join(dir, name))), variant, join(dir, name))
  if (files.includes('test_batch.bin')) {
    const trainFiles = files.filter((f) => /^data_batch_\d+\.bin$/.test(f)).sort()
    if (trainFiles.length === 0) throw new Error(`${dir}: has test_batch.bin but no data_batch_N.bin training batches.`)
    const train = concatSplits(await Promise.all(trainFiles.map((f) => read(f, 'cifar-10'))))
    const test = await read('test_batch.bin', 'cifar-10')
    const classNames = (await readNames(join(dir, 'batches.meta.txt'), 10)) ?? CIFAR10_NAMES
    return { name: 'cifar-10', classNames, train, test, flipPreservesLabel: true }
  }
  if (files.includes('train.bin') && files.includes('test.bin')) {
    const [train, test] = await Promise.all([read('train.bin', 'cifar-100'), read('test.bin', 'cifar-100')])
    const classNames = (await readNames(join(dir, 'fine_label_names.txt'), 100)) ?? Array.from({ length: 100 }, (_, i) => `class ${i}`)
    return { name: 'cifar-100', classNames, train, test, flipPreservesLabel: true }
  }
  throw new Error(`${dir}: no CIFAR binary batches found (expected data_batch_1.bin…test_batch.bin for CIFAR-10, or train.bin and test.bin for CIFAR-100).`)
}
