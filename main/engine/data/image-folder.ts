/**
 * An image-folder dataset: `train/<class>/*.png|jpg` and `test/<class>/*.png|jpg`, the layout of
 * torchvision's `ImageFolder` with one folder per split. Classes are the train split's folder
 * names in sorted order (the index a model trained on it uses); the test split must have the
 * same folders. Every image must have the size of the first one; the dataset is grayscale when
 * every pixel of every image has R ≈ G ≈ B, RGB otherwise.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { ImageDataset, ImageSplit } from './dataset'
import { decodeImage, IMAGE_EXTENSIONS, type RgbaImage } from './decode-image'

interface Decoded {
  file: string
  label: number
  image: RgbaImage
}

async function subfolders(dir: string): Promise<string[]> {
  const names = await readdir(dir)
  const dirs: string[] = []
  for (const n of names.sort()) if (!n.startsWith('.') && (await stat(join(dir, n))).isDirectory()) dirs.push(n)
  return dirs
}

async function readSplit(root: string, split: 'train' | 'test', classNames: string[]): Promise<Decoded[]> {
  const out: Decoded[] = []
  for (const [label, name] of classNames.entries()) {
    const dir = join(root, split, name)
    const files = (await readdir(dir).catch(() => {
      throw new Error(`${dir}: missing; the ${split} split needs a folder for every class of train/ (${classNames.join(', ')}).`)
    }))
      .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
      .sort()
    if (files.length === 0) throw new Error(`${dir}: class "${name}" has no PNG or JPEG images in ${split}/; add images or remove the folder.`)
    for (const f of files) {
      const file = join(dir, f)
      out.push({ file, label, image: decodeImage(new Uint8Array(await readFile(file)), file) })
    }
  }
  return out
}

function toSplit(items: Decoded[], height: number, width: number, channels: number): ImageSplit {
  const size = height * width * channels
  const images = new Uint8Array(items.length * size)
  const labels = new Uint8Array(items.length)
  items.forEach(({ file, label, image }, i) => {
    if (image.width !== width || image.height !== height)
      throw new Error(`${file}: is ${image.width}×${image.height} but the dataset's images are ${width}×${height}; resize every image to one size.`)
    labels[i] = label
    for (let p = 0; p < height * width; p++)
      for (let c = 0; c < channels; c++) images[i * size + p * channels + c] = image.data[p * 4 + c]
  })
  return { images, labels, count: items.length, height, width, channels }
}

/** R, G and B within 2 of each other: gray, allowing for JPEG's chroma rounding. */
const isGray = (image: RgbaImage) => {
  const d = image.data
  for (let p = 0; p < d.length; p += 4) if (Math.abs(d[p] - d[p + 1]) > 2 || Math.abs(d[p] - d[p + 2]) > 2) return false
  return true
}

export async function loadImageFolder(root: string, name = 'image-folder'): Promise<ImageDataset> {
  const classNames = await subfolders(join(root, 'train')).catch(() => {
    throw new Error(`${join(root, 'train')}: missing; an image-folder dataset has train/<class>/ and test/<class>/ folders of PNG or JPEG images.`)
  })
  if (classNames.length < 2) throw new Error(`${join(root, 'train')}: has ${classNames.length} class folder(s); a classifier needs at least 2.`)
  if (classNames.length > 256) throw new Error(`${join(root, 'train')}: has ${classNames.length} class folders; at most 256 are supported.`)
  const train = await readSplit(root, 'train', classNames)
  const test = await readSplit(root, 'test', classNames)
  const { width, height } = train[0].image
  const channels = [...train, ...test].every((d) => isGray(d.image)) ? 1 : 3
  return {
    name,
    classNames,
    train: toSplit(train, height, width, channels),
    test: toSplit(test, height, width, channels),
    flipPreservesLabel: true
  }
}
