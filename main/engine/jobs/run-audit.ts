/**
 * One whole audit, as a graph of tasks (tasks/plan-audit.ts): train every validation target,
 * surrogate and target, collect LGV members, measure natural accuracy, attack from each surrogate
 * with every queued stack and score transfer on every target. The tasks run on `ctx.executor` —
 * this process by default, or a pool of worker processes, or BullMQ workers — and give the same
 * results wherever they run: each has its own seed and reads only its dependencies' outputs.
 *
 * Before the run is written, the spec's attack plan, dataset and imported targets are checked (an
 * imported target whose import check warns stops the audit unless it says `acceptCheck`), so a bad
 * file fails the audit with nothing trained. Warnings (accepted checks, models near chance or
 * stopped on a NaN loss) go into the record. The run record is written `running` first and
 * rewritten at the end, so a killed engine leaves a readable run that the run list shows as
 * interrupted. A failed task fails only the tasks that depend on it; the audit then ends `failed`
 * with every model that did train saved, ready for a resume.
 *
 * Emits `started`, progress, `epoch`, `workers` and `task-done` events, then exactly one terminal event.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AuditSpec } from '../../contract/audit-spec'
import type { ExecutionSettings } from '../../contract/execution'
import type { JobEvent } from '../../contract/job-events'
import type { AuditResults, RunRecord } from '../../contract/run-record'
import { attackQueue } from '../../contract/attack-queue'
import { RunStore } from '../workspace/run-store'
import { auditData, releaseAuditData } from '../tasks/audit-data'
import type { AuditTask } from '../tasks/audit-task'
import { splitBytes } from '../data/dataset-memory'
import { openExecutor, type ClosableExecutor } from '../tasks/open-executor'
import { planAudit, taskInfos } from '../tasks/plan-audit'
import { runTaskGraph, type GraphOutcome } from '../tasks/run-task-graph'
import { TASK_KINDS } from '../tasks/task-kinds'
import { JobCancelledError } from './job-errors'
import { checkImportedTargets, importedNames } from './check-imported-targets'
import { loadImportedTarget } from './load-imported-target'
import { surrogateSpecsWithDerived } from './derive-surrogate'
import { modelWarnings } from './model-warnings'
import { checkAttackQueue } from './run-attack-queue'
import { importAuditSurrogates } from './onnx-surrogates'

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
  /** Where the tasks run (open-executor.ts); `workers` defaults to the spec's, else 1: this process. */
  execution?: ExecutionSettings
}

export async function runAudit(spec: AuditSpec, ctx: AuditContext): Promise<RunRecord> {
  const { jobId, emit } = ctx
  const store = new RunStore(ctx.workspaceRoot)
  const started = performance.now()
  let record: RunRecord | undefined
  let executor: ClosableExecutor | undefined
  try {
    const tasks = planAudit(spec)
    checkAttackQueue(attackQueue(spec), surrogateSpecsWithDerived(spec))
    const { dataset } = await auditData(spec)
    const { train, test } = dataset
    // Before the run is written or anything trained: a file that does not fit fails the audit here.
    for (const t of spec.importedTargets ?? [])
      await (await loadImportedTarget(t, dataset)).model.dispose()
    for (const s of await importAuditSurrogates(spec.surrogates, dataset, attackQueue(spec)))
      s.model.params.dispose()
    const importedValidation: { name: string; arch: string; hash: string }[] = []
    for (const t of spec.validation?.importedTargets ?? []) {
      const loaded = await loadImportedTarget(t, dataset)
      importedValidation.push({ name: t.name, arch: t.format, hash: loaded.result.hash })
      await loaded.model.dispose()
    }
    const acceptedChecks = await checkImportedTargets(spec, dataset)
    const images = train.count + test.count + (dataset.validation?.count ?? 0)
    executor = await openExecutor(
      { workers: spec.workers, ...ctx.execution },
      {
        workspaceRoot: ctx.workspaceRoot,
        datasetBytes: splitBytes(images, train.height, train.width, train.channels),
        appVersion: ctx.appVersion
      }
    )
    record = {
      id: ctx.runId,
      name: spec.name,
      status: 'running',
      createdAt: ctx.resume?.createdAt ?? new Date().toISOString(),
      spec,
      seed: spec.seed,
      backend: ctx.backend,
      versions: { app: ctx.appVersion, tfjs: tf.version_core, node: process.versions.node },
      dataset: {
        name: dataset.name,
        train: train.count,
        test: test.count,
        shape: [train.height, train.width, train.channels]
      },
      timings: {},
      ...(ctx.resume
        ? {
            resumed: {
              count: (ctx.resume.resumed?.count ?? 0) + 1,
              at: [...(ctx.resume.resumed?.at ?? []), new Date().toISOString()]
            }
          }
        : {})
    }
    await (ctx.resume ? store.update(record) : store.create(record))
    emit({
      jobId,
      kind: 'started',
      runId: ctx.runId,
      tasks: taskInfos(tasks),
      backend: ctx.backend
    })

    const outcome = await runTaskGraph({
      tasks,
      job: { spec, runId: ctx.runId, resume: Boolean(ctx.resume) },
      executor,
      emit: (event) => emit({ ...event, jobId } as JobEvent),
      signal: ctx.signal
    })
    Object.assign(record.timings, outcome.seconds)
    if (outcome.failures.length > 0) throw new Error(failureMessage(outcome))

    const results: AuditResults = {
      models: [],
      transfer: [],
      whiteBox: [],
      evaluated: { candidates: 0, allCorrect: 0, attacked: 0 },
      ...(spec.validation ? { validation: { targets: importedValidation, attacked: 0 } } : {}),
      attackSeconds: tasks
        .filter((t) => t.kind === 'attack' || t.kind === 'lgv')
        .reduce((sum, t) => sum + (outcome.seconds[t.id] ?? 0), 0)
    }
    for (const kind of TASK_KINDS) {
      const outcomes = tasks
        .filter((t) => t.kind === kind.kind)
        .map((task) => ({ task, result: outcome.results.get(task.id) }))
      await kind.collect?.(outcomes, { results, spec, runDir: store.runDir(ctx.runId), dataset })
    }
    record.timings.total = (performance.now() - started) / 1000
    record.results = results
    const warnings = [
      ...acceptedChecks,
      ...modelWarnings(results.models, dataset.classNames.length, importedNames(spec))
    ]
    if (warnings.length > 0) record.warnings = warnings
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
    emit(
      cancelled
        ? { jobId, kind: 'cancelled', runId: ctx.runId }
        : { jobId, kind: 'failed', runId: ctx.runId, message }
    )
    throw error
  } finally {
    await executor?.close()
    releaseAuditData()
  }
}

/** One failed task: its own message (as a serial run always said); several: each, by task. */
function failureMessage({ failures, skipped }: GraphOutcome): string {
  const notRun = skipped.length
    ? ` (${skipped.length} task${skipped.length === 1 ? '' : 's'} depending on it did not run; resume the run after fixing it)`
    : ''
  if (failures.length === 1) return failures[0].message + (skipped.length ? notRun : '')
  const list = failures
    .map(({ task, message }: { task: AuditTask; message: string }) => `${task.label}: ${message}`)
    .join('; ')
  return `${failures.length} tasks failed: ${list}${notRun}`
}
