/**
 * Loads an MNIST-style dataset (MNIST, Fashion-MNIST, or anything in the same layout) from a folder
 * holding the four standard idx files, gzipped or not.
 *
 * Class names come from a `classes.txt` in the folder (one per line) when there is one, else from
 * Fashion-MNIST's names when the folder or dataset name says "fashion", else digits '0'..'9'.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ImageDataset, ImageSplit } from './dataset'
import { parseIdx, type IdxArray } from './idx-reader'

/** Fashion-MNIST's labels 0..9, as Zalando's README lists them. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot'
]

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

export interface LoadIdxFolderOptions {
  /** Dataset name; defaults to the folder's base name. */
  name?: string
  /** Whether a horizontal flip keeps the label; defaults to true for fashion data, false otherwise. */
  flipPreservesLabel?: boolean
}

/** The idx file stems; each may end in `-idx3-ubyte` or `.idx3-ubyte` (some mirrors), and `.gz`. */
const FILES = {
  trainImages: { stem: 'train-images', kind: 'idx3' },
  trainLabels: { stem: 'train-labels', kind: 'idx1' },
  testImages: { stem: 't10k-images', kind: 'idx3' },
  testLabels: { stem: 't10k-labels', kind: 'idx1' }
} as const
type FileKey = keyof typeof FILES

function candidateNames(key: FileKey): string[] {
  const { stem, kind } = FILES[key]
  const names = [`${stem}-${kind}-ubyte`, `${stem}.${kind}-ubyte`]
  return names.flatMap((n) => [n, `${n}.gz`])
}

/**
 * Reads the four idx files in `folder` and checks that they form a consistent image dataset.
 *
 * Every error names the offending file (or the folder) and what to do about it.
 */
export async function loadIdxFolder(
  folder: string,
  options: LoadIdxFolderOptions = {}
): Promise<ImageDataset> {
  const dir = path.resolve(folder)
  if (!existsSync(dir)) {
    throw new Error(`dataset folder ${dir} does not exist; choose a folder holding the idx files`)
  }
  if (!statSync(dir).isDirectory()) {
    throw new Error(`dataset folder ${dir} is a file, not a folder; choose the folder holding it`)
  }

  const files = findFiles(dir)
  const classes = await readClassNames(dir, options.name)
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    (['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const).map(async (key) => {
      const bytes = await readFile(files[key])
      // A plain Uint8Array view (no copy), so the dataset holds no Node Buffer subclass.
      return parseIdx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), files[key])
    })
  )
  const train = toSplit(trainImages, files.trainImages, trainLabels, files.trainLabels, classes)
  const test = toSplit(testImages, files.testImages, testLabels, files.testLabels, classes)
  if (train.height !== test.height || train.width !== test.width) {
    throw new Error(
      `${files.trainImages} holds ${train.height}×${train.width} images but ${files.testImages} holds ` +
        `${test.height}×${test.width}; both splits must come from the same dataset`
    )
  }
  return {
    name: options.name ?? path.basename(dir),
    classNames: classes.names,
    train,
    test,
    flipPreservesLabel: options.flipPreservesLabel ?? classes.isFashion
  }
}

/** Maps each of the four files to its path, accepting either spelling and either compression. */
function findFiles(dir: string): Record<FileKey, string> {
  // Match names case-insensitively: archives unpacked on some systems upper-case them.
  const present = new Map(readdirSync(dir).map((name) => [name.toLowerCase(), name]))
  const found: Partial<Record<FileKey, string>> = {}
  const missing: string[] = []
  for (const key of Object.keys(FILES) as FileKey[]) {
    const names = candidateNames(key)
    const hit = names.map((n) => present.get(n.toLowerCase())).find((n) => n !== undefined)
    if (hit) found[key] = path.join(dir, hit)
    else missing.push(`${names[0]}(.gz)`)
  }
  if (missing.length > 0) {
    const expected = (Object.keys(FILES) as FileKey[])
      .map((k) => `${candidateNames(k)[0]}(.gz)`)
      .join(', ')
    throw new Error(
      `dataset folder ${dir} is missing ${missing.join(', ')}; it needs the four idx files ${expected} ` +
        `(the dotted spelling, e.g. train-images.idx3-ubyte, is accepted too)`
    )
  }
  return found as Record<FileKey, string>
}

interface ClassNames {
  names: string[]
  /** Where the names came from, for error messages. */
  source: string
  isFashion: boolean
}

async function readClassNames(dir: string, name: string | undefined): Promise<ClassNames> {
  const classesFile = path.join(dir, 'classes.txt')
  if (existsSync(classesFile)) {
    const names = (await readFile(classesFile, 'utf8'))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
    if (names.length < 2) {
      throw new Error(
        `${classesFile} lists ${names.length} class names; write one name per line, at least two`
      )
    }
    const isFashion = looksLikeFashion(dir, name) || sameNames(names, FASHION_MNIST_CLASSES)
    return { names, source: classesFile, isFashion }
  }
  if (looksLikeFashion(dir, name)) {
    return { names: FASHION_MNIST_CLASSES, source: 'Fashion-MNIST', isFashion: true }
  }
  return { names: DIGIT_CLASSES, source: 'digits 0-9', isFashion: false }
}

function looksLikeFashion(dir: string, name: string | undefined): boolean {
  return /fashion/i.test(name ?? '') || /fashion/i.test(path.basename(dir))
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n.toLowerCase() === b[i].toLowerCase())
}

function toSplit(
  images: IdxArray,
  imagesFile: string,
  labels: IdxArray,
  labelsFile: string,
  classes: ClassNames
): ImageSplit {
  if (images.dims.length !== 3) {
    throw new Error(
      `${imagesFile} has dims [${images.dims.join(', ')}]; ` +
        'an image file needs 3 dims [count, height, width] ' +
        '(is it a label file under an image file name?)'
    )
  }
  if (labels.dims.length !== 1) {
    throw new Error(
      `${labelsFile} has dims [${labels.dims.join(', ')}]; a label file needs 1 dim [count] ` +
        '(is it an image file under a label file name?)'
    )
  }
  const [count, height, width] = images.dims
  if (count === 0 || height === 0 || width === 0) {
    throw new Error(`${imagesFile} holds no pixels (dims [${images.dims.join(', ')}])`)
  }
  if (labels.dims[0] !== count) {
    throw new Error(
      `${imagesFile} holds ${count} images but ${labelsFile} holds ${labels.dims[0]} labels; ` +
        'the two files must come from the same split of the same dataset'
    )
  }
  const classCount = classes.names.length
  const hint = classes.source.endsWith('classes.txt')
    ? ''
    : '; add a classes.txt (one name per line) for more classes'
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] >= classCount) {
      throw new Error(
        `${labelsFile} has label ${labels.data[i]} at index ${i}, ` +
          `but the dataset has ${classCount} classes (from ${classes.source}); ` +
          `labels must be 0..${classCount - 1}${hint}`
      )
    }
  }
  return { images: images.data, labels: labels.data, count, height, width, channels: 1 }
}
