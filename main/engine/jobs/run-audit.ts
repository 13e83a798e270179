/**
 * One whole audit: train every surrogate and target, measure natural accuracy, attack from each
 * surrogate with BIM and score transfer on every target; the run record and the models go to the
 * workspace as they are produced. Imported in-house targets (ONNX/tfjs files) are loaded and checked
 * first, then scored like trained targets (black boxes: only their predicted labels are used).
 *
 * Emits `started`, progress, `epoch` and `task-done` events, then exactly one terminal event.
 * The run record is written `running` first and rewritten at the end, so a killed engine leaves
 * a readable run that the run list shows as interrupted.
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { AuditSpec, ModelSpec } from '../../contract/audit-spec'
import type { JobEvent, TaskInfo } from '../../contract/job-events'
import type { ModelResult, RunRecord, TransferCell } from '../../contract/run-record'
import { describeStack } from '../../contract/attack-stack'
import { checkAttackPlan, collectLgvMembers, loadLgvMembers } from '../attacks/attack-plan'
import { range } from '../data/dataset'
import { loadDataset } from '../data/load-dataset'
import { Rng } from '../data/rng'
import { commonlyCorrect, measureTransfer, type NamedModel, type NamedTarget } from '../evaluation/transfer-evaluation'
import { exportAdversarialExamples, type AdversarialBatch } from '../evaluation/export-adversarial'
import { accuracyOf, predictSplit } from '../evaluation/predict'
import { buildClassifier } from '../models/architecture-registry'
import type { Classifier } from '../models/classifier'
import { saveClassifier } from '../models/model-io'
import { measureNormalization } from '../models/normalize-input'
import { trainClassifier } from '../training/train-classifier'
import { RunStore } from '../workspace/run-store'
import { JobCancelledError } from './job-errors'
import { loadImportedTarget, type ImportedTarget } from './load-imported-target'
import { throttleProgress } from './progress-throttle'

export interface AuditContext {
  jobId: string
  runId: string
  workspaceRoot: string
  backend: string
  appVersion: string
  emit: (event: JobEvent) => void
  signal?: AbortSignal
}

export async function runAudit(spec: AuditSpec, ctx: AuditContext): Promise<RunRecord> {
  const { jobId, emit } = ctx
  const store = new RunStore(ctx.workspaceRoot)
  const started = performance.now()
  const roles = [
    ...spec.surrogates.map((m) => ({ spec: m, role: 'surrogate' as const })),
    ...spec.targets.map((m) => ({ spec: m, role: 'target' as const }))
  ]
  const tasks: TaskInfo[] = [
    ...roles.map(({ spec: m, role }) => ({ id: `train-${m.name}`, kind: 'train' as const, label: `Train ${role} ${m.name} (${m.arch})` })),
    { id: 'evaluate', kind: 'evaluate', label: 'Natural accuracy of every model' },
    ...spec.surrogates.map((m) => ({ id: `attack-${m.name}`, kind: 'attack' as const, label: `${describeStack(spec.attack.stack)} from ${m.name}, transfer to targets` }))
  ]
  let record: RunRecord | undefined
  const models: (NamedModel & { role: 'surrogate' | 'target'; result: ModelResult })[] = []
  const built: Classifier[] = [] // every model built, trained or not, to free on the way out
  const imported: ImportedTarget[] = [] // in-house targets loaded from files, scored after the trained ones
  try {
    checkAttackPlan(spec.attack, spec.surrogates)
    const dataset = await loadDataset(spec.dataset)
    const { train, test } = dataset
    // Before the run is written or anything trained: a file that does not fit fails the audit here.
    for (const t of spec.importedTargets ?? []) imported.push(await loadImportedTarget(t, dataset))
    record = {
      id: ctx.runId,
      name: spec.name,
      status: 'running',
      createdAt: new Date().toISOString(),
      spec,
      seed: spec.seed,
      backend: ctx.backend,
      versions: { app: ctx.appVersion, tfjs: tf.version_core, node: process.versions.node },
      dataset: { name: dataset.name, train: train.count, test: test.count, shape: [train.height, train.width, train.channels] },
      timings: {}
    }
    await store.create(record)
    emit({ jobId, kind: 'started', runId: ctx.runId, tasks, backend: ctx.backend })
    const normalization = measureNormalization(train.images, train.channels)

    for (const { spec: modelSpec, role } of roles) {
      const taskId = `train-${modelSpec.name}`
      const progress = throttleProgress((value: number, detail: string) => emit({ jobId, kind: 'task-progress', taskId, value, detail }))
      const taskStart = performance.now()
      const model = buildClassifier(
        { arch: modelSpec.arch, width: modelSpec.width, inputShape: [train.height, train.width, train.channels], numClasses: dataset.classNames.length, normalization },
        new Rng(modelSpec.seed).fork('init')
      )
      built.push(model)
      const modelDir = join(store.runDir(ctx.runId), 'models', modelSpec.name)
      const manifestFields = (metrics: ModelResult['epochs']) => ({ name: modelSpec.name, dataset: dataset.name, recipe: modelSpec.recipe, seed: modelSpec.seed, metrics })
      const epochs = await trainClassifier(model, {
        name: modelSpec.name,
        recipe: modelSpec.recipe,
        train,
        test,
        flipPreservesLabel: dataset.flipPreservesLabel,
        rng: new Rng(modelSpec.seed).fork('train'),
        signal: ctx.signal,
        onBatch: progress,
        onEpoch: async (metrics) => {
          emit({ jobId, kind: 'epoch', taskId, model: modelSpec.name, metrics })
          await saveClassifier(model, join(modelDir, 'checkpoints', `epoch-${String(metrics.epoch).padStart(3, '0')}`), manifestFields([metrics]))
        }
      })
      const manifest = await saveClassifier(model, modelDir, manifestFields(epochs))
      const seconds = (performance.now() - taskStart) / 1000
      models.push({
        name: modelSpec.name,
        model,
        role,
        result: resultOf(modelSpec, role, model, manifest.sha256, epochs, seconds)
      })
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
    const attacked = allCorrect.slice(0, spec.attack.maxExamples)
    record.timings.evaluate = (performance.now() - evalStart) / 1000
    emit({ jobId, kind: 'task-done', taskId: 'evaluate', seconds: record.timings.evaluate })

    const attackStart = performance.now()
    const transfer: TransferCell[] = []
    const whiteBox: { surrogate: string; successRate: number }[] = []
    const targets = scored.filter((m) => m.role === 'target')
    for (const surrogate of models.filter((m) => m.role === 'surrogate')) {
      const taskId = `attack-${surrogate.name}`
      const taskStart = performance.now()
      const progress = throttleProgress((value: number, detail: string) => emit({ jobId, kind: 'task-progress', taskId, value, detail }))
      const lgv = spec.attack.stack.lgv
      const hasSource = lgv?.sources.some((s) => s.surrogate === surrogate.name)
      const lgvMembers =
        lgv?.collect && !hasSource
          ? await collectLgvMembers(surrogate.model, train, lgv.collect, { seed: spec.seed, flipPreservesLabel: dataset.flipPreservesLabel, signal: ctx.signal })
          : await loadLgvMembers(spec.attack, surrogate.name, surrogate.model.config)
      built.push(...lgvMembers)
      const examples: AdversarialBatch[] = []
      const result = await measureTransfer(surrogate, targets, test, attacked, spec.attack, {
        signal: ctx.signal,
        seed: spec.attack.seed ?? spec.seed,
        lgvMembers,
        onExamples: spec.attack.exportExamples ? (batch) => examples.push(batch) : undefined,
        onBatch: (done, total) => progress(done / total, `${done}/${total} examples`)
      })
      transfer.push(...result.cells)
      if (spec.attack.exportExamples)
        await exportAdversarialExamples(join(store.runDir(ctx.runId), 'adversarial', surrogate.name), examples, [test.height, test.width, test.channels], dataset.classNames, {
          surrogate: surrogate.name,
          seed: spec.attack.seed ?? spec.seed,
          attack: spec.attack
        })
      whiteBox.push({ surrogate: surrogate.name, successRate: result.whiteBoxRate })
      record.timings[taskId] = (performance.now() - taskStart) / 1000
      emit({ jobId, kind: 'task-done', taskId, seconds: record.timings[taskId] })
    }

    record.timings.total = (performance.now() - started) / 1000
    record.results = {
      models: scored.map((m) => m.result),
      transfer,
      whiteBox,
      evaluated: { candidates: candidates.length, allCorrect: allCorrect.length, attacked: attacked.length },
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
