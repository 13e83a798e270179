/**
 * The audit's imported ONNX surrogates: imported and checked with the imported targets before the
 * run starts (`importAuditSurrogates`), then, in their own task (tasks/kinds/onnx-surrogate-task.ts),
 * imported again, fine-tuned from their imported weights when the spec asks, and saved in the run
 * like any trained model (`finishImportedSurrogate`: manifest, weights and the graph).
 */
import type { QueuedAttack } from '../../contract/attack-queue'
import type { SurrogateSpec } from '../../contract/audit-spec'
import type { EpochMetrics } from '../../contract/job-events'
import {
  fineTuneRecipe,
  FineTuneSpec,
  isImportedSurrogate,
  type ImportedSurrogateSpec
} from '../../contract/onnx-surrogate'
import type { ImageDataset } from '../data/dataset'
import { Rng } from '../data/rng'
import { saveClassifier } from '../models/model-io'
import { importOnnxSurrogate, type ImportedSurrogate } from '../onnx/import-onnx-surrogate'
import { OnnxImportError } from '../onnx/onnx-import-error'
import type { TaskEvent } from '../tasks/audit-task'
import { trainClassifier } from '../training/train-classifier'
import { throttleProgress } from './progress-throttle'

export interface AuditSurrogateImport extends ImportedSurrogate {
  spec: ImportedSurrogateSpec
}

/** Imports every ONNX surrogate of the spec; on failure frees the ones already imported. */
export async function importAuditSurrogates(
  surrogates: SurrogateSpec[],
  dataset: ImageDataset,
  queue: readonly QueuedAttack[]
): Promise<AuditSurrogateImport[]> {
  const imported: AuditSurrogateImport[] = []
  try {
    for (const spec of surrogates.filter(isImportedSurrogate)) {
      const done = await importOnnxSurrogate(spec, dataset)
      imported.push({ ...done, spec })
      checkSkipTechniques(spec, done, queue)
    }
  } catch (err) {
    for (const s of imported) s.model.params.dispose()
    throw err
  }
  return imported
}

/** GN and SGM act on residual additions: a graph without one is refused for them, with the file named. */
function checkSkipTechniques(
  spec: ImportedSurrogateSpec,
  imported: ImportedSurrogate,
  queue: readonly QueuedAttack[]
): void {
  const blocks = imported.model.graph.residualBlocks
  for (const q of queue) {
    if (!q.surrogates.includes(spec.name)) continue
    for (const [id, label] of [
      ['gn', 'GN (ghost networks)'],
      ['sgm', 'SGM (skip gradient method)']
    ] as const) {
      if (!q.attack.stack[id]) continue
      const usable = id === 'sgm' ? blocks.filter((b) => b.identity) : blocks
      if (usable.length === 0)
        throw new OnnxImportError(
          spec.path,
          `attack.stack.${id}: ${label} needs ${id === 'sgm' ? 'identity-shortcut ' : ''}residual Add nodes, and surrogate "${spec.name}"'s graph has none ` +
            `(${blocks.length} residual Add node${blocks.length === 1 ? '' : 's'} in all; an Add of a computed value and a constant is not one): remove "${id}" for this surrogate.`
        )
    }
  }
}

export interface FinishOptions {
  dataset: ImageDataset
  /** runs/<id>/models/<name> */
  modelDir: string
  seed: number
  signal?: AbortSignal
  emit: (event: TaskEvent) => void
}

export interface FinishedSurrogate {
  /** sha256 of the saved weights (the manifest's), which later tasks check when they load it. */
  hash: string
  epochs: EpochMetrics[]
  seconds: number
}

/**
 * Fine-tunes (when the spec asks) and saves an imported surrogate in the run, as any trained model:
 * manifest, weights and the graph, so every later task loads it with loadClassifier.
 */
export async function finishImportedSurrogate(
  imported: AuditSurrogateImport,
  options: FinishOptions
): Promise<FinishedSurrogate> {
  const { spec, model } = imported
  const { dataset, emit } = options
  const taskId = `train-${spec.name}`
  const started = performance.now()
  const recipe = spec.fineTune ? fineTuneRecipe(spec.fineTune) : undefined
  let epochs: EpochMetrics[] = []
  if (recipe) {
    const progress = throttleProgress((value: number, detail: string) =>
      emit({ kind: 'task-progress', taskId, value, detail })
    )
    epochs = await trainClassifier(model, {
      name: spec.name,
      recipe,
      train: dataset.train,
      test: dataset.test,
      flipPreservesLabel: dataset.flipPreservesLabel,
      rng: new Rng(options.seed).fork(`fine-tune-${spec.name}`),
      signal: options.signal,
      onBatch: progress,
      onEpoch: (metrics) => emit({ kind: 'epoch', taskId, model: spec.name, metrics })
    })
  }
  const manifest = await saveClassifier(model, options.modelDir, {
    name: spec.name,
    dataset: dataset.name,
    recipe: recipe ?? fineTuneRecipe(FineTuneSpec.parse({ epochs: 1 })),
    seed: options.seed,
    metrics: epochs
  })
  return { hash: manifest.sha256, epochs, seconds: (performance.now() - started) / 1000 }
}
