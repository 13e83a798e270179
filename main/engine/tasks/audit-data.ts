/**
 * The dataset of the audit a process is working on, loaded once per process and shared by its
 * tasks (a pool worker runs many tasks of one audit). Only the newest audit's data is kept, so a
 * long-lived worker never holds two datasets; `releaseAuditData` drops it when the audit ends.
 */
import type { AuditSpec } from '../../contract/audit-spec'
import type { ImageDataset } from '../data/dataset'
import { loadDataset } from '../data/load-dataset'
import { measureNormalization, type InputNormalization } from '../models/normalize-input'

export interface AuditData {
  dataset: ImageDataset
  /** Per-channel mean and std of the training images, built into every model of the audit. */
  normalization: InputNormalization
}

let cached: { key: string; data: Promise<AuditData> } | undefined

export function auditData(spec: Pick<AuditSpec, 'dataset' | 'seed'>): Promise<AuditData> {
  const key = JSON.stringify([spec.dataset, spec.seed])
  if (cached?.key !== key) {
    const data = loadDataset(spec.dataset, spec.seed).then((dataset) => ({
      dataset,
      normalization: measureNormalization(dataset.train.images, dataset.train.channels)
    }))
    cached = { key, data }
    // A failed load is not kept: the next task (or a fixed path) tries again.
    data.catch(() => {
      if (cached?.data === data) cached = undefined
    })
  }
  return cached.data
}

export function releaseAuditData(): void {
  cached = undefined
}
