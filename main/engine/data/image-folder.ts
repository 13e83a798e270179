/**
 * An image-folder dataset: `train/<class>/*.png|jpg` and `test/<class>/*.png|jpg`, the layout of
 * torchvision's `ImageFolder` with one folder per split. Classes are the train split's folder
 * names in sorted order (the index a model trained on it uses); the test split must have the
 * same folders. Without `imageSize` every image must have the size of the first one; with it every
 * image is resized to imageSize × imageSize. The dataset is grayscale when every pixel of every
 * image has R ≈ G ≈ B, RGB otherwise.
 *
 * Reading is incremental: the files are listed first, the split's uint8 buffer is allocated once
 * (after the memory-budget check), then each file is read, decoded and copied in before the next,
 * so only one compressed file and one decoded image exist besides the buffer. Images are taken in
 * round-robin class order (first image of each class, then the second…), so `trainLimit` and
 * `testLimit` keep every class instead of the first classes only.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { checkDatasetMemory, datasetMemoryBudgetBytes, LIMIT_HINT } from './dataset-memory'
import type { ImageDataset, ImageSplit } from './dataset'
import { decodeImage, IMAGE_EXTENSIONS, type RgbaImage } from './decode-image'

export interface ImageFolderOptions {
  name?: string
  /** Resize every image to imageSize × imageSize. */
  imageSize?: number
  /** Read at most this many training / test images (0 or absent = all). */
  trainLimit?: number
  testLimit?: number
  /** Memory budget in bytes (default: datasetMemoryBudgetBytes()). */
  memoryBudget?: number
}

interface Entry {
  file: string
  label: number
}

async function subfolders(dir: string): Promise<string[]> {
  const names = await readdir(dir)
  const dirs: string[] = []
  for (const n of names.sort())
    if (!n.startsWith('.') && (await stat(join(dir, n))).isDirectory()) dirs.push(n)
  return dirs
}

/** The image files of one split, in round-robin class order; throws on a missing or empty class folder. */
async function listSplit(
  root: string,
  split: 'train' | 'test',
  classNames: string[]
): Promise<Entry[]> {
  const perClass: Entry[][] = []
  for (const [label, name] of classNames.entries()) {
    const dir = join(root, split, name)
    const files = (
      await readdir(dir).catch(() => {
        throw new Error(
          `${dir}: missing; the ${split} split needs a folder for every class of train/ (${classNames.join(', ')}).`
        )
      })
    )
      .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
      .sort()
    if (files.length === 0)
      throw new Error(
        `${dir}: class "${name}" has no PNG or JPEG images in ${split}/; add images or remove the folder.`
      )
    perClass.push(files.map((f) => ({ file: join(dir, f), label })))
  }
  const longest = Math.max(...perClass.map((c) => c.length))
  const out: Entry[] = []
  for (let r = 0; r < longest; r++) for (const c of perClass) if (r < c.length) out.push(c[r])
  return out
}

/** R, G and B within 2 of each other: gray, allowing for JPEG's chroma rounding. */
const isGray = (image: RgbaImage): boolean => {
  const d = image.data
  for (let p = 0; p < d.length; p += 4)
    if (Math.abs(d[p] - d[p + 1]) > 2 || Math.abs(d[p] - d[p + 2]) > 2) return false
  return true
}

/**
 * Writes `image` as height × width RGB into `out` at `offset`. Each output pixel averages the source
 * pixels its footprint covers (a box filter: no aliasing when shrinking photos; nearest when enlarging).
 */
export function resizeRgb(
  image: RgbaImage,
  height: number,
  width: number,
  out: Uint8Array,
  offset: number
): void {
  const { width: sw, height: sh, data } = image
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * sh) / height)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sh) / height))
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * sw) / width)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * sw) / width))
      const n = (y1 - y0) * (x1 - x0)
      for (let c = 0; c < 3; c++) {
        let sum = 0
        for (let sy = y0; sy < y1; sy++)
          for (let sx = x0; sx < x1; sx++) sum += data[(sy * sw + sx) * 4 + c]
        out[offset + (y * width + x) * 3 + c] = Math.round(sum / n)
      }
    }
  }
}

interface RgbSplit {
  rgb: Uint8Array
  labels: Uint8Array
  count: number
  gray: boolean
}

/** Decodes the entries one by one into one preallocated RGB buffer. */
async function readSplit(
  entries: Entry[],
  height: number,
  width: number,
  resize: boolean
): Promise<RgbSplit> {
  const size = height * width * 3
  const rgb = new Uint8Array(entries.length * size)
  const labels = new Uint8Array(entries.length)
  let gray = true
  for (const [i, { file, label }] of entries.entries()) {
    const image = decodeImage(new Uint8Array(await readFile(file)), file)
    if (!resize && (image.width !== width || image.height !== height))
      throw new Error(
        `${file}: is ${image.width}×${image.height} but the dataset's images are ${width}×${height}; resize every image to one size or set dataset.imageSize.`
      )
    gray &&= isGray(image)
    resizeRgb(image, height, width, rgb, i * size)
    labels[i] = label
  }
  return { rgb, labels, count: entries.length, gray }
}

/** The split as `channels`-channel uint8: the RGB buffer itself, or a copy of its first channel. */
function toSplit(split: RgbSplit, height: number, width: number, channels: number): ImageSplit {
  if (channels === 3)
    return { images: split.rgb, labels: split.labels, count: split.count, height, width, channels }
  const pixels = split.count * height * width
  const images = new Uint8Array(pixels)
  for (let p = 0; p < pixels; p++) images[p] = split.rgb[p * 3]
  return { images, labels: split.labels, count: split.count, height, width, channels: 1 }
}

const limited = <T>(items: T[], limit: number | undefined): T[] =>
  limit && limit > 0 ? items.slice(0, limit) : items

export async function loadImageFolder(
  root: string,
  options: ImageFolderOptions | string = {}
): Promise<ImageDataset> {
  const opts: ImageFolderOptions = typeof options === 'string' ? { name: options } : options
  const classNames = await subfolders(join(root, 'train')).catch(() => {
    throw new Error(
      `${join(root, 'train')}: missing; an image-folder dataset has train/<class>/ and test/<class>/ folders of PNG or JPEG images.`
    )
  })
  if (classNames.length < 2)
    throw new Error(
      `${join(root, 'train')}: has ${classNames.length} class folder(s); a classifier needs at least 2.`
    )
  if (classNames.length > 256)
    throw new Error(
      `${join(root, 'train')}: has ${classNames.length} class folders; at most 256 are supported.`
    )
  const trainEntries = limited(await listSplit(root, 'train', classNames), opts.trainLimit)
  const testEntries = limited(await listSplit(root, 'test', classNames), opts.testLimit)

  let height = opts.imageSize ?? 0
  let width = opts.imageSize ?? 0
  if (!opts.imageSize) {
    const first = trainEntries[0].file
    ;({ height, width } = decodeImage(new Uint8Array(await readFile(first)), first))
  }
  // Reading holds RGB; a grayscale dataset then keeps a one-channel copy (the RGB buffer is dropped).
  const rgbBytes = (trainEntries.length + testEntries.length) * (height * width * 3 + 1)
  checkDatasetMemory(
    rgbBytes,
    `${root} (${trainEntries.length} + ${testEntries.length} images of ${width}×${height}×3)`,
    `${LIMIT_HINT}, or a smaller dataset.imageSize`,
    opts.memoryBudget ?? datasetMemoryBudgetBytes()
  )
  const resize = opts.imageSize !== undefined
  const train = await readSplit(trainEntries, height, width, resize)
  const test = await readSplit(testEntries, height, width, resize)
  const channels = train.gray && test.gray ? 1 : 3
  return {
    name: opts.name ?? 'image-folder',
    classNames,
    train: toSplit(train, height, width, channels),
    test: toSplit(test, height, width, channels),
    flipPreservesLabel: true
  }
}
