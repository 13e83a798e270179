/**
 * Trains one model of an audit (surrogate, target or validation target), or picks it up where a
 * resumed run left it: reused when its final manifest verifies, continued from its newest readable
 * checkpoint, or trained from scratch. Every epoch is checkpointed; a surrogate tracked by the
 * epoch probes is scored after each epoch, and with early stopping its chosen epoch's checkpoint
 * becomes the model that is saved and attacked.
 */
import { join } from 'node:path'
import type { ModelSpec } from '../../contract/audit-spec'
import type { EpochMetrics } from '../../contract/job-events'
import type { ImageDataset } from '../data/dataset'
import { Rng } from '../data/rng'
import { buildClassifier } from '../models/architecture-registry'
import type { Classifier } from '../models/classifier'
import { saveClassifier, type ManifestFields } from '../models/model-io'
import type { InputNormalization } from '../models/normalize-input'
import type { EpochProbes } from '../training/epoch-probes'
import { NonFiniteLossError } from './job-errors'
import { restoreCheckpoint } from '../training/restore-checkpoint'
import { fitBatchSize } from '../training/fit-batch-size'
import { trainClassifier } from '../training/train-classifier'
import {
  describeResumePoint,
  findResumePoint,
  saveResumeState,
  type ResumePoint
} from './resume-point'
import { throttleProgress } from './progress-throttle'
import type { TaskEvent } from '../tasks/audit-task'

export interface AuditModelOptions {
  role: 'surrogate' | 'target' | 'validation target'
  dataset: ImageDataset
  normalization: InputNormalization
  /** runs/<id>/models/<name>: final model, per-epoch checkpoints and resume state. */
  modelDir: string
  /** Continue from what an earlier, interrupted run of the same spec left in `modelDir`. */
  resume: boolean
  probes: EpochProbes
  signal?: AbortSignal
  /** This model's task events. */
  emit: (event: TaskEvent) => void
  /** Receives the model as soon as it exists, so the caller frees it even if training fails. */
  keep: (model: Classifier) => void
}

export interface TrainedAuditModel {
  model: Classifier
  epochs: EpochMetrics[]
  hash: string
  /** Training time, including the epochs an interrupted run had already done. */
  seconds: number
  chosenEpoch?: { epoch: number; reason: string }
  /** Set when the loss became NaN or infinite: training stopped, the model is its last good epoch. */
  stopped?: string
}

export async function trainAuditModel(
  spec: ModelSpec,
  options: AuditModelOptions
): Promise<TrainedAuditModel> {
  const { dataset, modelDir, probes, emit } = options
  const { train, test } = dataset
  const taskId = `train-${spec.name}`
  const started = performance.now()
  const scoredPerEpoch = options.role === 'surrogate' && probes.tracks(spec)
  const point = options.resume ? await resumePointOf(scoredPerEpoch, modelDir, spec) : undefined
  if (point) {
    for (const metrics of point.kind === 'scratch' ? [] : point.history)
      emit({ kind: 'epoch', taskId, model: spec.name, metrics })
    const value = point.kind === 'scratch' ? 0 : point.history.length / spec.recipe.epochs
    emit({
      kind: 'task-progress',
      taskId,
      value,
      detail: describeResumePoint(point, spec.recipe.epochs)
    })
  }
  const model =
    point && point.kind !== 'scratch'
      ? point.model
      : buildClassifier(
          {
            arch: spec.arch,
            width: spec.width,
            inputShape: [train.height, train.width, train.channels],
            numClasses: dataset.classNames.length,
            normalization: options.normalization
          },
          new Rng(spec.seed).fork('init')
        )
  options.keep(model)
  // Large architectures train at the largest batch (up to the recipe's) that fits in memory.
  const fit =
    point?.kind === 'trained' ? undefined : await fitBatchSize(model, spec.recipe.batchSize)
  if (fit?.note)
    emit({ kind: 'task-progress', taskId, value: 0, detail: `${spec.name}: ${fit.note}` })
  const recipe = fit ? { ...spec.recipe, batchSize: fit.batchSize } : spec.recipe
  const manifestFields = (metrics: EpochMetrics[]): ManifestFields => ({
    name: spec.name,
    dataset: dataset.name,
    recipe,
    seed: spec.seed,
    metrics
  })
  const progress = throttleProgress((value: number, detail: string) =>
    emit({ kind: 'task-progress', taskId, value, detail })
  )
  let stopped: NonFiniteLossError | undefined
  const epochs =
    point?.kind === 'trained'
      ? point.history
      : await trainClassifier(model, {
          name: spec.name,
          recipe,
          train,
          test,
          flipPreservesLabel: dataset.flipPreservesLabel,
          rng: new Rng(spec.seed).fork('train'),
          signal: options.signal,
          resume: point?.kind === 'checkpoint' ? point.state : undefined,
          onCheckpoint: (state) => saveResumeState(modelDir, state),
          onBatch: progress,
          onEpoch: async (metrics) => {
            if (scoredPerEpoch)
              Object.assign(metrics, await probes.measure(spec, model, metrics.epoch))
            emit({ kind: 'epoch', taskId, model: spec.name, metrics })
            await saveClassifier(
              model,
              join(modelDir, 'checkpoints', checkpointName(metrics.epoch)),
              manifestFields([metrics])
            )
          }
        }).catch(async (error: unknown) => {
          // A NaN or infinite loss stops this model only: keep its last good epoch, flag it, let the audit go on.
          if (!(error instanceof NonFiniteLossError)) throw error
          stopped = error
          if (error.lastGoodEpoch > 0)
            await restoreCheckpoint(
              model,
              join(modelDir, 'checkpoints', checkpointName(error.lastGoodEpoch))
            )
          emit({
            kind: 'task-progress',
            taskId,
            value: 1,
            detail: `stopped: loss not finite at epoch ${error.epoch}`
          })
          return error.history
        })
  // Early stopping: the chosen epoch's checkpoint becomes the surrogate (and the saved model).
  const chosen =
    options.role === 'surrogate' && spec.earlyStopping
      ? probes.choose(spec.name, epochs.length)
      : undefined
  if (chosen)
    await restoreCheckpoint(model, join(modelDir, 'checkpoints', checkpointName(chosen.epoch)))
  const manifest =
    point?.kind === 'trained'
      ? point.manifest
      : await saveClassifier(model, modelDir, manifestFields(epochs))
  const earlier =
    point && point.kind !== 'scratch' ? point.history.reduce((sum, m) => sum + m.seconds, 0) : 0
  return {
    model,
    epochs,
    hash: manifest.sha256,
    seconds: (performance.now() - started) / 1000 + earlier,
    ...(chosen ? { chosenEpoch: { epoch: chosen.epoch, reason: chosen.reason } } : {}),
    ...(stopped ? { stopped: stopped.message } : {})
  }
}

export function checkpointName(epoch: number): string {
  return `epoch-${String(epoch).padStart(3, '0')}`
}

/** A resumed model's starting point; surrogates scored every epoch restart, as those scores are not checkpointed. */
async function resumePointOf(
  scoredPerEpoch: boolean,
  modelDir: string,
  spec: ModelSpec
): Promise<ResumePoint> {
  if (scoredPerEpoch)
    return { kind: 'scratch', notes: ['its per-epoch validation scores are not checkpointed'] }
  return findResumePoint(modelDir, spec)
}
