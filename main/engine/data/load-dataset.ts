/**
 * Loads the dataset an audit spec names, applying its train/test limits, then holding out
 * `validationSize` training images as the validation split (seeded by `splitSeed`, else `seed`).
 */
import type { DatasetSpec } from '../../contract/audit-spec'
import { loadCifarFolder } from './cifar-binary'
import { limitSplit, type ImageDataset } from './dataset'
import { checkDatasetMemory, LIMIT_HINT, splitBytes } from './dataset-memory'
import { loadEmbeddedDemo } from './embedded-demo'
import { loadImageFolder } from './image-folder'
import { loadIdxFolder } from './load-idx-folder'
import { splitValidation } from './split-validation'

// CIFAR and image folders apply the limits and the memory budget before reading pixels (see
// dataset-memory.ts); idx files are read whole (MNIST-sized) and checked once parsed.
const LOADERS: Record<
  DatasetSpec['source'],
  (path: string, spec: DatasetSpec) => Promise<ImageDataset>
> = {
  embedded: () => loadEmbeddedDemo(),
  'idx-folder': async (path, spec) => checkLoaded(path, await loadIdxFolder(path), spec),
  'cifar-binary': (path, spec) =>
    loadCifarFolder(path, { trainLimit: spec.trainLimit, testLimit: spec.testLimit }),
  'image-folder': (path, spec) =>
    loadImageFolder(path, {
      imageSize: spec.imageSize,
      trainLimit: spec.trainLimit,
      testLimit: spec.testLimit
    })
}

function checkLoaded(path: string, data: ImageDataset, spec: DatasetSpec): ImageDataset {
  const { train, test } = data
  const count = limitSplit(train, spec.trainLimit).count + limitSplit(test, spec.testLimit).count
  checkDatasetMemory(
    splitBytes(count, train.height, train.width, train.channels),
    `${path} (${count} images)`,
    LIMIT_HINT
  )
  return data
}

export async function loadDataset(spec: DatasetSpec, seed = 0): Promise<ImageDataset> {
  const full = await LOADERS[spec.source](spec.path ?? '', spec)
  const dataset = {
    ...full,
    train: limitSplit(full.train, spec.trainLimit),
    test: limitSplit(full.test, spec.testLimit)
  }
  if (!spec.validationSize) return dataset
  const { train, validation } = splitValidation(
    dataset.train,
    spec.validationSize,
    spec.splitSeed ?? seed
  )
  return { ...dataset, train, validation }
}
