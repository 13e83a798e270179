/** Loads the dataset an audit spec names, applying its train/test limits. */
import type { DatasetSpec } from '../../contract/audit-spec'
import { loadCifarFolder } from './cifar-binary'
import { limitSplit, type ImageDataset } from './dataset'
import { loadEmbeddedDemo } from './embedded-demo'
import { loadImageFolder } from './image-folder'
import { loadIdxFolder } from './load-idx-folder'

const LOADERS: Record<DatasetSpec['source'], (path: string) => Promise<ImageDataset>> = {
  embedded: () => loadEmbeddedDemo(),
  'idx-folder': (path) => loadIdxFolder(path),
  'cifar-binary': (path) => loadCifarFolder(path),
  'image-folder': (path) => loadImageFolder(path)
}

export async function loadDataset(spec: DatasetSpec): Promise<ImageDataset> {
  const full = await LOADERS[spec.source](spec.path ?? '')
  return { ...full, train: limitSplit(full.train, spec.trainLimit), test: limitSplit(full.test, spec.testLimit) }
}
