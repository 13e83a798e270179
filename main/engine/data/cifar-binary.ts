/**
 * CIFAR-10 and CIFAR-100 binary batches (https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * CIFAR-10 records are 1 label byte + 3,072 pixel bytes; CIFAR-100 records 2 label bytes (coarse,
 * fine; we use fine) + 3,072. Pixels are stored planar (1,024 red, then green, then blue, rows of
 * 32); we convert to NHWC. The folder layouts are the ones the archives unpack to:
 * `data_batch_1..5.bin` + `test_batch.bin` + `batches.meta.txt` (CIFAR-10), or `train.bin` +
 * `test.bin` + `fine_label_names.txt` (CIFAR-100).
 *
 * Batches are read one at a time into one preallocated buffer, after checking the memory budget
 * on the record counts the file sizes give; limits stop reading once enough images are in.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { checkDatasetMemory, datasetMemoryBudgetBytes, LIMIT_HINT } from './dataset-memory'
import type { ImageDataset, ImageSplit } from './dataset'

export type CifarVariant = 'cifar-10' | 'cifar-100'

const SIDE = 32
const PIXELS = SIDE * SIDE * 3
const LABEL_BYTES: Record<CifarVariant, number> = { 'cifar-10': 1, 'cifar-100': 2 }
const CLASSES: Record<CifarVariant, number> = { 'cifar-10': 10, 'cifar-100': 100 }

const CIFAR10_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck'
]

/** Parses one binary batch; `file` only names the source in errors. */
export function parseCifarBatch(
  bytes: Uint8Array,
  variant: CifarVariant,
  file: string
): ImageSplit {
  const count = checkBatchSize(bytes, variant, file)
  const split: ImageSplit = {
    images: new Uint8Array(count * PIXELS),
    labels: new Uint8Array(count),
    count,
    height: SIDE,
    width: SIDE,
    channels: 3
  }
  decodeRecordsInto(bytes, variant, file, split, 0, count)
  return split
}

/** Records in a batch's bytes; throws naming the file when they are not whole records. */
function checkBatchSize(bytes: Uint8Array, variant: CifarVariant, file: string): number {
  const record = LABEL_BYTES[variant] + PIXELS
  if (bytes.length === 0 || bytes.length % record !== 0)
    throw new Error(
      `${file}: ${bytes.length} bytes is not a whole number of ${record}-byte ${variant} records ` +
        `(${LABEL_BYTES[variant]} label byte${LABEL_BYTES[variant] > 1 ? 's' : ''} + 3,072 pixels); the file is truncated or not a ${variant} binary batch.`
    )
  return bytes.length / record
}

/** Decodes the first `take` records of `bytes` into `out` from image `at` on: planar to NHWC, fine labels. */
function decodeRecordsInto(
  bytes: Uint8Array,
  variant: CifarVariant,
  file: string,
  out: ImageSplit,
  at: number,
  take: number
): void {
  const record = LABEL_BYTES[variant] + PIXELS
  for (let i = 0; i < take; i++) {
    const base = i * record
    const label = bytes[base + LABEL_BYTES[variant] - 1]
    if (label >= CLASSES[variant])
      throw new Error(
        `${file}: record ${i} has label ${label} but ${variant} has classes 0–${CLASSES[variant] - 1}; is this a ${variant === 'cifar-10' ? 'CIFAR-100' : 'CIFAR-10'} batch?`
      )
    out.labels[at + i] = label
    const src = base + LABEL_BYTES[variant]
    const dst = (at + i) * PIXELS
    for (let p = 0; p < SIDE * SIDE; p++)
      for (let c = 0; c < 3; c++) out.images[dst + p * 3 + c] = bytes[src + c * SIDE * SIDE + p]
  }
}

export interface CifarFolderOptions {
  /** Read at most this many training / test images (0 or absent = all). */
  trainLimit?: number
  testLimit?: number
  /** Memory budget in bytes (default: datasetMemoryBudgetBytes()). */
  memoryBudget?: number
}

/** Records in a batch file, from its size (a truncated file is reported by parseCifarBatch). */
async function recordCount(file: string, variant: CifarVariant): Promise<number> {
  return Math.floor((await stat(file)).size / (LABEL_BYTES[variant] + PIXELS))
}

/**
 * Reads batches one after the other, decoding each straight into one preallocated split of `count`
 * images: besides the result, only the batch file being decoded is in memory.
 */
async function readBatches(
  files: string[],
  variant: CifarVariant,
  count: number
): Promise<ImageSplit> {
  const split: ImageSplit = {
    images: new Uint8Array(count * PIXELS),
    labels: new Uint8Array(count),
    count,
    height: SIDE,
    width: SIDE,
    channels: 3
  }
  let at = 0
  for (const file of files) {
    if (at >= count) break
    const bytes = await readFile(file)
    const records = checkBatchSize(bytes, variant, file)
    const take = Math.min(records, count - at)
    decodeRecordsInto(bytes, variant, file, split, at, take)
    at += take
  }
  return split
}

/** Counts the records of each split (after limits), checks the memory budget, then reads them. */
async function readSplits(
  dir: string,
  trainFiles: string[],
  testFile: string,
  variant: CifarVariant,
  options: CifarFolderOptions
): Promise<{ train: ImageSplit; test: ImageSplit }> {
  const limit = (n: number, l: number | undefined): number => (l && l > 0 ? Math.min(n, l) : n)
  let trainCount = 0
  for (const f of trainFiles) trainCount += await recordCount(f, variant)
  trainCount = limit(trainCount, options.trainLimit)
  const testCount = limit(await recordCount(testFile, variant), options.testLimit)
  checkDatasetMemory(
    (trainCount + testCount) * (PIXELS + 1),
    `${dir} (${trainCount} + ${testCount} ${variant} images)`,
    LIMIT_HINT,
    options.memoryBudget ?? datasetMemoryBudgetBytes()
  )
  return {
    train: await readBatches(trainFiles, variant, trainCount),
    test: await readBatches([testFile], variant, testCount)
  }
}

async function readNames(path: string, expected: number): Promise<string[] | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined)
  const names = text
    ?.split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  return names && names.length === expected ? names : undefined
}

/** Loads a CIFAR-10 or CIFAR-100 binary folder, telling the variant from its file names. */
export async function loadCifarFolder(
  dir: string,
  options: CifarFolderOptions = {}
): Promise<ImageDataset> {
  const files = await readdir(dir).catch(() => {
    throw new Error(
      `${dir}: cannot read the folder; pick the folder the CIFAR binary archive unpacked to.`
    )
  })
  if (files.includes('test_batch.bin')) {
    const trainFiles = files
      .filter((f) => /^data_batch_\d+\.bin$/.test(f))
      .sort((a, b) => batchNumber(a) - batchNumber(b))
    if (trainFiles.length === 0)
      throw new Error(`${dir}: has test_batch.bin but no data_batch_N.bin training batches.`)
    const { train, test } = await readSplits(
      dir,
      trainFiles.map((f) => join(dir, f)),
      join(dir, 'test_batch.bin'),
      'cifar-10',
      options
    )
    const classNames = (await readNames(join(dir, 'batches.meta.txt'), 10)) ?? CIFAR10_NAMES
    return { name: 'cifar-10', classNames, train, test, flipPreservesLabel: true }
  }
  if (files.includes('train.bin') && files.includes('test.bin')) {
    const { train, test } = await readSplits(
      dir,
      [join(dir, 'train.bin')],
      join(dir, 'test.bin'),
      'cifar-100',
      options
    )
    const classNames =
      (await readNames(join(dir, 'fine_label_names.txt'), 100)) ??
      Array.from({ length: 100 }, (_, i) => `class ${i}`)
    return { name: 'cifar-100', classNames, train, test, flipPreservesLabel: true }
  }
  throw new Error(
    `${dir}: no CIFAR binary batches found (expected data_batch_1.bin…test_batch.bin for CIFAR-10, or train.bin and test.bin for CIFAR-100).`
  )
}

/** N of data_batch_N.bin, so data_batch_10 sorts after data_batch_9. */
const batchNumber = (file: string): number => Number(/\d+/.exec(file)?.[0] ?? 0)
