import { describe, expect, it } from 'vitest'
import {
  checkDatasetMemory,
  datasetMemoryBudgetBytes,
  DEFAULT_DATASET_MEMORY_MB,
  splitBytes
} from '../../../../main/engine/data/dataset-memory'

describe('dataset memory budget', () => {
  it('reads FLATLINE_DATASET_MEMORY_MB, falling back to the default for missing or nonsense values', () => {
    expect(datasetMemoryBudgetBytes({ FLATLINE_DATASET_MEMORY_MB: '64' })).toBe(64 * 1024 * 1024)
    expect(datasetMemoryBudgetBytes({})).toBe(DEFAULT_DATASET_MEMORY_MB * 1024 * 1024)
    expect(datasetMemoryBudgetBytes({ FLATLINE_DATASET_MEMORY_MB: 'lots' })).toBe(
      DEFAULT_DATASET_MEMORY_MB * 1024 * 1024
    )
    expect(datasetMemoryBudgetBytes({ FLATLINE_DATASET_MEMORY_MB: '-5' })).toBe(
      DEFAULT_DATASET_MEMORY_MB * 1024 * 1024
    )
  })

  it('lets CIFAR-10 through by default and refuses it under a 100 MB budget with the knobs to turn', () => {
    const cifar10 = splitBytes(60000, 32, 32, 3)
    expect(cifar10).toBe(184_380_000)
    expect(() => checkDatasetMemory(cifar10, 'cifar', 'set limits')).not.toThrow()
    expect(() =>
      checkDatasetMemory(cifar10, '/data/cifar-10-batches-bin', 'set limits', 100 * 1024 * 1024)
    ).toThrow(
      '/data/cifar-10-batches-bin: needs 175.8 MB as uint8 but the dataset memory budget is 100.0 MB; set limits, or raise the budget with FLATLINE_DATASET_MEMORY_MB'
    )
  })
})
