/** Loads the dataset an audit spec names, applying its train/test limits. */
import type { DatasetSpec } from '../../contract/audit-spec'
import { limitSplit, type ImageDataset } from './dataset'
import { loadEmbeddedDemo } from './embedded-demo'
import { loadIdxFolder } from './load-idx-folder'

export async function loadDataset(spec: DatasetSpec): Promise<ImageDataset> {
  const full = spec.source === 'embedded' ? await loadEmbeddedDemo() : await loadIdxFolder(spec.path!)
  return { ...full, train: limitSplit(full.train, spec.trainLimit), test: limitSplit(full.test, spec.testLimit) }
}
