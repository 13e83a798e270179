/**
 * The architectures the app can build, by stable id. The UI and the spec validation list what
 * this registry holds; issue 5 adds the paper's families here.
 */
import type { ArchitectureId } from '../../contract/audit-spec'
import type { Rng } from '../data/rng'
import type { Classifier, ModelConfig } from './classifier'
import { buildSmallCnn } from './small-cnn'
import { buildSmallResnet } from './small-resnet'

export interface ArchitectureEntry {
  id: ArchitectureId
  label: string
  hasSkipConnections: boolean
  build(config: ModelConfig, rng: Rng): Classifier
}

export const architectures: Record<ArchitectureId, ArchitectureEntry> = {
  'small-cnn': { id: 'small-cnn', label: 'Small CNN (BN)', hasSkipConnections: false, build: buildSmallCnn },
  'small-resnet': { id: 'small-resnet', label: 'Small ResNet', hasSkipConnections: true, build: buildSmallResnet }
}

export function buildClassifier(config: ModelConfig, rng: Rng): Classifier {
  const entry = architectures[config.arch]
  if (!entry) throw new Error(`Unknown architecture "${config.arch}": expected one of ${Object.keys(architectures).join(', ')}`)
  return entry.build(config, rng)
}
