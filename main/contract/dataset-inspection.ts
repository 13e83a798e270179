/**
 * What the Datasets view asks the engine about a dataset before an audit uses it: which format a
 * folder holds (`detect`), and the classes, counts, samples and memory of a dataset spec (`inspect`).
 */
import { z } from 'zod'
import { DatasetSpec } from './audit-spec'

export const DetectDatasetRequest = z.strictObject({
  path: z.string().min(1, 'give the folder to look at')
})
export type DetectDatasetRequest = z.infer<typeof DetectDatasetRequest>

export interface DatasetDetection {
  /** The folder looked at, resolved. */
  path: string
  /** The source a DatasetSpec would use, or null when no known layout fits. */
  source: Exclude<DatasetSpec['source'], 'embedded'> | null
  /** E.g. "MNIST-style idx files", "CIFAR-10 binary batches", "image folder with 3 classes". */
  format: string | null
  /** What was found, or what is missing when nothing fits, naming the folder. */
  message: string
}

export const InspectDatasetRequest = z.strictObject({
  dataset: DatasetSpec,
  /** Sample images per class in the grid (default 8). */
  samplesPerClass: z.number().int().min(0).max(32).optional(),
  /** Classes shown in the grid (default 10): the first ones. */
  sampleClasses: z.number().int().min(0).max(100).optional()
})
export type InspectDatasetRequest = z.infer<typeof InspectDatasetRequest>

export interface SplitSummary {
  count: number
  /** Images per class, indexed like classNames. */
  perClass: number[]
}

export interface DatasetInspection {
  name: string
  source: DatasetSpec['source']
  /** Human name of the format read, e.g. "CIFAR-10 binary batches". */
  format: string
  classNames: string[]
  /** [height, width, channels] of every image. */
  imageShape: [number, number, number]
  train: SplitSummary
  test: SplitSummary
  /** Present when dataset.validationSize > 0. */
  validation?: SplitSummary
  /** First training images of the first classes, as PNG data URLs. */
  samples: { classIndex: number; className: string; images: string[] }[]
  /** Bytes the splits take in memory as uint8 (pixels + labels), as an audit holds them. */
  memoryBytes: number
  /** The memory budget the readers enforce (FLATLINE_DATASET_MEMORY_MB). */
  memoryBudgetBytes: number
  /** Wall time of the inspection. */
  seconds: number
  /** Problems found: a dataset that cannot be read has exactly one and empty splits. */
  problems: string[]
}

/** The request as the UI writes it (dataset defaults not filled in yet). */
export type InspectDatasetRequestInput = z.input<typeof InspectDatasetRequest>
