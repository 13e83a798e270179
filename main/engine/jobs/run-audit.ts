/**
 * One whole audit: train every surrogate and target, measure natural accuracy, attack from each
 * surrogate with BIM and score transfer on every target; the run record and the models go to the
 * workspace as they are produced. Imported in-house targets (ONNX/tfjs files) are loaded and checked
 * first, then scored like trained targets (black boxes: only their predicted labels are used).
 * Validation targets train first and are never scored on test images; each model's training,
 * resume and early stopping are in train-audit-model.ts, the queued attacks in run-attack-queue.ts.
 *
 * Emits `started`, progress, `epoch` and `task-done` events, then exactly one terminal event.
 * The run record is written `running` first and rewritten at the end, so a killed engine leaves
 * a readable run that the run list shows as interrupted.
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { AuditSpec, ModelSpec } from '../../contract/audit-spec'
import type { JobEvent, TaskInfo } from '../../contract/job-events'
import type { ModelResult, RunRecord } from '../../contract/run-record'
import { attackQueue } from '../../contract/attack-queue'
import { GALLERY_DEFAULT_SIZE } from '../../contract/run-gallery'
import { range } from '../data/dataset'
import { loadDataset } from '../data/load-dataset'
import { commonlyCorrect, type NamedModel, type NamedTarget } from '../evaluation/transfer-evaluation'
import { accuracyOf, predictSplit } from '../evaluation/predict'
import type { Classifier } from '../models/classifier'
import { measureNormalization } from '../models/normalize-input'
import { EpochProbes } from '../training/epoch-probes'
import { RunStore } from '../workspace/run-store'
import { JobCancelledError } from './job-errors'
import { loadImportedTarget, type ImportedTarget } from './load-imported-target'
import { attackTasks, checkAttackQueue, runAttackQueue } from './run-attack-queue'
import { trainAuditModel } from './train-audit-model'

export interface AuditContext {
  jobId: string
  runId: string
  workspaceRoot: string
  backend: string
  appVersion: string
  emit: (event: JobEvent) => void
  signal?: AbortSignal
  /**
   * The stored record of a run to resume (see resume-run.ts): same id and createdAt, trained models
   * reused, partly trained ones continued from their last checkpoint, evaluation and attacks redone.
   */
  resume?: RunRecord
}

export async function runAudit(spec: AuditSpec, ctx: AuditContext): Promise<RunRecord> {
  const { jobId, emit } = ctx
  const store = new RunStore(ctx.workspaceRoot)
  const started = performance.now()
  const queue = attackQueue(spec)
  // Validation targets train first: every surrogate epoch is scored on them (early stopping, tracked transfer).
  const roles = [
    ...(spec.validation?.targets ?? []).map((m) => ({ spec: m, role: 'validation target' as const })),
    ...spec.surrogates.map((m) => ({ spec: m, role: 'surrogate' as const })),
    ...spec.targets.map((m) => ({ spec: m, role: 'target' as const }))
  ]
  const tasks: TaskInfo[] = [
    ...roles.map(({ spec: m, role }) => ({ id: `train-${m.name}`, kind: 'train' as const, label: `Train ${role} ${m.name} (${m.arch})` })),
    { id: 'evaluate', kind: 'evaluate', label: 'Natural accuracy of every model' },
    ...attackTasks(queue)
  ]
  let record: RunRecord | undefined
  const models: (NamedModel & { role: 'surrogate' | 'target'; result: ModelResult })[] = []
  const built: Classifier[] = [] // every model built, trained or not, to free on the way out
  const imported: ImportedTarget[] = [] // in-house targets loaded from files, scored after the trained ones
  const validationTargets: { name: string; arch: string; hash: string; dispose?: () => Promise<void> }[] = [] // never scored on test images
  try {
    checkAttackQueue(queue, spec.surrogates)
    const dataset = await loadDataset(spec.dataset, spec.seed)
    const { train, test } = dataset
    const probes = new EpochProbes(spec, dataset, ctx.signal)
    // Before the run is written or anything trained: a file that does not fit fails the audit here.
    for (const t of spec.importedTargets ?? []) imported.push(await loadImportedTarget(t, dataset))
    for (const t of spec.validation?.importedTargets ?? []) {
      const loaded = await loadImportedTarget(t, dataset)
      validationTargets.push({ name: t.name, arch: t.format, hash: loaded.result.hash, dispose: () => loaded.model.dispose() })
      probes.addValidationTarget(loaded)
    }
    record = {
      id: ctx.runId,
      name: spec.name,
      status: 'running',
      createdAt: ctx.resume?.createdAt ?? new Date().toISOString(),
      spec,
      seed: spec.seed,
      backend: ctx.backend,
      versions: { app: ctx.appVersion, tfjs: tf.version_core, node: process.versions.node },
      dataset: { name: dataset.name, train: train.count, test: test.count, shape: [train.height, train.width, train.channels] },
      timings: {},
      ...(ctx.resume ? { resumed: { count: (ctx.resume.resumed?.count ?? 0) + 1, at: [...(ctx.resume.resumed?.at ?? []), new Date().toISOString()] } } : {})
    }
    await (ctx.resume ? store.update(record) : store.create(record))
    emit({ jobId, kind: 'started', runId: ctx.runId, tasks, backend: ctx.backend })
    const normalization = measureNormalization(train.images, train.channels)

    for (const { spec: modelSpec, role } of roles) {
      const taskId = `train-${modelSpec.name}`
      const { model, epochs, hash, seconds, chosenEpoch } = await trainAuditModel(modelSpec, {
        role,
        dataset,
        normalization,
        modelDir: join(store.runDir(ctx.runId), 'models', modelSpec.name),
        resume: Boolean(ctx.resume),
        probes,
        signal: ctx.signal,
        emit: (event) => emit({ ...event, jobId }),
        keep: (model) => built.push(model)
      })
      if (role === 'validation target') {
        validationTargets.push({ name: modelSpec.name, arch: modelSpec.arch, hash })
        probes.addValidationTarget({ name: modelSpec.name, model })
      } else {
        models.push({ name: modelSpec.name, model, role, result: { ...resultOf(modelSpec, role, model, hash, epochs, seconds), ...(chosenEpoch ? { chosenEpoch } : {}) } })
      }
      record.timings[taskId] = seconds
      emit({ jobId, kind: 'task-done', taskId, seconds })
    }

    const evalStart = performance.now()
    const candidates = range(test.count)
    const predictions: Int32Array[] = []
    const scored: (NamedTarget & { role: 'surrogate' | 'target'; result: ModelResult })[] = [...models, ...imported]
    for (const [i, m] of scored.entries()) {
      const pred = await predictSplit(m.model, test, candidates)
      predictions.push(pred)
      m.result.accuracy = accuracyOf(pred, test, candidates)
      emit({ jobId, kind: 'task-progress', taskId: 'evaluate', value: (i + 1) / scored.length, detail: `${m.name}: ${(m.result.accuracy * 100).toFixed(1)} %` })
    }
    const targetPredictions = predictions.filter((_, i) => scored[i].role === 'target')
    const allCorrect = commonlyCorrect(test, candidates, targetPredictions)
    // One list for every queued stack (the contract makes their maxExamples agree): rows compare.
    const attacked = allCorrect.slice(0, queue[0].attack.maxExamples)
    record.timings.evaluate = (performance.now() - evalStart) / 1000
    emit({ jobId, kind: 'task-done', taskId: 'evaluate', seconds: record.timings.evaluate })

    const attackStart = performance.now()
    const targets = scored.filter((m) => m.role === 'target')
    const { transfer, whiteBox, timings } = await runAttackQueue({
      queue,
      surrogates: models.filter((m) => m.role === 'surrogate'),
      targets,
      train,
      test,
      attacked,
      classNames: dataset.classNames,
      flipPreservesLabel: dataset.flipPreservesLabel,
      auditSeed: spec.seed,
      runDir: store.runDir(ctx.runId),
      gallerySize: GALLERY_DEFAULT_SIZE,
      signal: ctx.signal,
      progress: (taskId, value, detail) => emit({ jobId, kind: 'task-progress', taskId, value, detail }),
      taskDone: (taskId, seconds) => emit({ jobId, kind: 'task-done', taskId, seconds }),
      keep: (members) => built.push(...members)
    })
    Object.assign(record.timings, timings)

    record.timings.total = (performance.now() - started) / 1000
    record.results = {
      models: scored.map((m) => m.result),
      transfer,
      whiteBox,
      evaluated: { candidates: candidates.length, allCorrect: allCorrect.length, attacked: attacked.length },
      ...(spec.validation ? { validation: { targets: validationTargets.map(({ name, arch, hash }) => ({ name, arch, hash })), attacked: probes.validationAttacked } } : {}),
      attackSeconds: (performance.now() - attackStart) / 1000
    }
    record.status = 'completed'
    record.finishedAt = new Date().toISOString()
    await store.update(record)
    emit({ jobId, kind: 'completed', runId: ctx.runId })
    return record
  } catch (error) {
    const cancelled = error instanceof JobCancelledError
    const message = error instanceof Error ? error.message : String(error)
    if (record) {
      record.status = cancelled ? 'cancelled' : 'failed'
      record.error = cancelled ? undefined : message
      record.finishedAt = new Date().toISOString()
      record.timings.total = (performance.now() - started) / 1000
      await store.update(record).catch(() => undefined)
    }
    emit(cancelled ? { jobId, kind: 'cancelled', runId: ctx.runId } : { jobId, kind: 'failed', runId: ctx.runId, message })
    throw error
  } finally {
    for (const model of built) model.params.dispose()
    for (const t of imported) await t.model.dispose()
    for (const t of validationTargets) await t.dispose?.()
  }
}

function resultOf(
  spec: ModelSpec,
  role: 'surrogate' | 'target',
  model: Classifier,
  hash: string,
  epochs: ModelResult['epochs'],
  trainSeconds: number
): ModelResult {
  const passes = epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0)
  return { name: spec.name, role, arch: spec.arch, params: model.params.countTrainable(), accuracy: 0, hash, epochs, trainSeconds, passes }
}
