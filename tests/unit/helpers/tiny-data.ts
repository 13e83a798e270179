/** Small real data for engine tests: a slice of the embedded Fashion-MNIST subset. */
import { limitSplit, type ImageDataset } from '../../../main/engine/data/dataset'
import { loadEmbeddedDemo } from '../../../main/engine/data/embedded-demo'
import type { ModelConfig } from '../../../main/engine/models/classifier'

export async function tinyDataset(train = 256, test = 128): Promise<ImageDataset> {
  const full = await loadEmbeddedDemo()
  return { ...full, train: limitSplit(full.train, train), test: limitSplit(full.test, test) }
}

export function tinyConfig(arch: ModelConfig['arch'], width = 4): ModelConfig {
  return {
    arch,
    width,
    inputShape: [28, 28, 1],
    numClasses: 10,
    normalization: { mean: [0.286], std: [0.353] }
  }
}
