/**
 * The Datasets view's "Inspect": reads a dataset spec exactly as an audit would (same readers,
 * limits, memory budget and validation split) and summarises it: classes, image shape, per-class
 * counts of each split, a grid of sample images as PNG data URLs, and the memory it takes.
 *
 * A dataset that cannot be read is not an error here: the reader's message (naming the file or
 * class) becomes the one problem of an empty inspection, so the view can show it next to the form.
 */
import { PNG } from 'pngjs'
import type { DatasetSpec } from '../../contract/audit-spec'
import type {
  DatasetInspection,
  InspectDatasetRequest,
  SplitSummary
} from '../../contract/dataset-inspection'
import type { ImageSplit } from './dataset'
import { datasetMemoryBudgetBytes, splitBytes } from './dataset-memory'
import { loadDataset } from './load-dataset'

const FORMATS: Record<DatasetSpec['source'], string> = {
  embedded: 'embedded Fashion-MNIST subset (idx files)',
  'idx-folder': 'MNIST-style idx files',
  'cifar-binary': 'CIFAR binary batches',
  'image-folder': 'image folder (PNG/JPEG)'
}

function summarise(split: ImageSplit, classes: number): SplitSummary {
  const perClass = new Array<number>(classes).fill(0)
  for (let i = 0; i < split.count; i++) perClass[split.labels[i]]++
  return { count: split.count, perClass }
}

/** One image of a split as a PNG data URL (grayscale drawn as gray RGB). */
export function imagePngDataUrl(split: ImageSplit, index: number): string {
  const { height, width, channels } = split
  const png = new PNG({ width, height })
  const base = index * height * width * channels
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++)
      png.data[p * 4 + c] = split.images[base + p * channels + (channels === 3 ? c : 0)]
    png.data[p * 4 + 3] = 255
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`
}

function sampleGrid(
  split: ImageSplit,
  classNames: string[],
  perClass: number,
  classes: number
): DatasetInspection['samples'] {
  const shown = classNames
    .slice(0, classes)
    .map((className, classIndex) => ({ classIndex, className, indices: [] as number[] }))
  for (let i = 0; i < split.count; i++) {
    const row = shown[split.labels[i]]
    if (row && row.indices.length < perClass) row.indices.push(i)
  }
  return shown.map(({ classIndex, className, indices }) => ({
    classIndex,
    className,
    images: indices.map((i) => imagePngDataUrl(split, i))
  }))
}

function emptyClasses(
  summary: SplitSummary,
  classNames: string[],
  split: string,
  limitNote: string
): string[] {
  return summary.perClass.flatMap((n, k) =>
    n === 0 ? [`class "${classNames[k]}" has no ${split} images${limitNote}.`] : []
  )
}

export async function inspectDataset(request: InspectDatasetRequest): Promise<DatasetInspection> {
  const started = performance.now()
  const spec = request.dataset
  const base = {
    source: spec.source,
    format: FORMATS[spec.source],
    memoryBudgetBytes: datasetMemoryBudgetBytes()
  }
  let data
  try {
    data = await loadDataset(spec, spec.splitSeed ?? 0)
  } catch (error) {
    return {
      ...base,
      name: spec.path ?? spec.source,
      classNames: [],
      imageShape: [0, 0, 0],
      train: { count: 0, perClass: [] },
      test: { count: 0, perClass: [] },
      samples: [],
      memoryBytes: 0,
      seconds: (performance.now() - started) / 1000,
      problems: [error instanceof Error ? error.message : String(error)]
    }
  }
  const { classNames, train, test, validation } = data
  const classes = classNames.length
  const summaries: Pick<DatasetInspection, 'train' | 'test' | 'validation'> = {
    train: summarise(train, classes),
    test: summarise(test, classes)
  }
  if (validation) summaries.validation = summarise(validation, classes)
  const problems = [
    ...emptyClasses(
      summaries.train,
      classNames,
      'training',
      spec.trainLimit ? ` within trainLimit ${spec.trainLimit}` : ''
    ),
    ...emptyClasses(
      summaries.test,
      classNames,
      'test',
      spec.testLimit ? ` within testLimit ${spec.testLimit}` : ''
    ),
    ...(summaries.validation
      ? emptyClasses(
          summaries.validation,
          classNames,
          'validation',
          ` (validationSize ${spec.validationSize})`
        )
      : [])
  ]
  const bytes = (s: ImageSplit | undefined): number =>
    s ? splitBytes(s.count, s.height, s.width, s.channels) : 0
  return {
    ...base,
    format: data.name.startsWith('cifar-100')
      ? 'CIFAR-100 binary batches'
      : data.name.startsWith('cifar-10')
        ? 'CIFAR-10 binary batches'
        : base.format,
    name: data.name,
    classNames,
    imageShape: [train.height, train.width, train.channels],
    ...summaries,
    samples: sampleGrid(
      train,
      classNames,
      request.samplesPerClass ?? 8,
      request.sampleClasses ?? 10
    ),
    memoryBytes: bytes(train) + bytes(test) + bytes(validation),
    seconds: (performance.now() - started) / 1000,
    problems
  }
}
