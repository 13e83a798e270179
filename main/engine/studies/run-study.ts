/**
 * Runs a study (contract/study-spec.ts): one audit per seed (contract/study-plan.ts), each through
 * the audit runner, then the tables, curves and verdicts of the seeds done so far, saved after every
 * seed so the run page shows them live. The first audit trains the targets the zoo lacks and the
 * study adds them to the zoo; later seeds (and later studies) import them from there.
 *
 * Resume (after a cancel, a crash or a failure): completed seeds are read back from their runs, a
 * seed's audit cut short resumes from its last checkpoint (run-audit's resume), and a finished
 * audit whose targets had not reached the zoo yet adds them. The study emits the audits' progress
 * under its own job id, `study-updated` after each save, and exactly one terminal event.
 */
import * as tf from '@tensorflow/tfjs-core'
import { AuditSpec } from '../../contract/audit-spec'
import type { JobEvent } from '../../contract/job-events'
import type { RunRecord } from '../../contract/run-record'
import { studyAuditSpec, studyDataset } from '../../contract/study-plan'
import type { StudyRecord } from '../../contract/study-record'
import { checkTrainLeft, type StudySpec } from '../../contract/study-spec'
import { loadDataset } from '../data/load-dataset'
import { JobCancelledError } from '../jobs/job-errors'
import { runAudit } from '../jobs/run-audit'
import type { ExecutionSettings } from '../../contract/execution'
import { RunStore } from '../workspace/run-store'
import { StudyStore } from '../workspace/study-store'
import { TargetZoo } from '../workspace/target-zoo'
import { seedNumbers, type SeedNumbers } from './seed-numbers'
import { seedTimeParts } from './seed-time'
import { studyClaims } from './study-claims'
import { studyTables } from './study-tables'
import { addTrainedTargets, zooIdOf, zooSources } from './study-targets'

export interface StudyContext {
  jobId: string
  studyId: string
  workspaceRoot: string
  backend: string
  appVersion: string
  emit: (event: JobEvent) => void
  signal?: AbortSignal
  /** The stored record of a study to continue. */
  resume?: StudyRecord
  /** Where the audits' tasks run (a worker pool, Redis); the spec's workers, else this process, when absent. */
  execution?: ExecutionSettings
}

export async function runStudy(spec: StudySpec, ctx: StudyContext): Promise<StudyRecord> {
  const store = new StudyStore(ctx.workspaceRoot)
  const runs = new RunStore(ctx.workspaceRoot)
  const zoo = new TargetZoo(ctx.workspaceRoot)
  const started = performance.now()
  const earlier = ctx.resume?.timings.total ?? 0
  const dataset = studyDataset(spec)
  let record: StudyRecord | undefined
  const save = async (r: StudyRecord): Promise<void> => {
    r.timings.total = earlier + (performance.now() - started) / 1000
    await store.save(r)
    ctx.emit({
      jobId: ctx.jobId,
      kind: 'study-updated',
      studyId: r.id,
      seedsDone: r.results.seeds.length,
      seedsTotal: spec.seeds.length
    })
  }
  try {
    await checkSplit(spec)
    const allTargets = [
      ...spec.targets.map((t) => ({ t, role: 'test' as const })),
      ...spec.validation.targets.map((t) => ({ t, role: 'validation' as const }))
    ]
    const sources = await zooSources(
      allTargets.map((x) => x.t),
      dataset,
      zoo
    )
    record = ctx.resume
      ? {
          ...ctx.resume,
          status: 'running',
          error: undefined,
          finishedAt: undefined,
          resumed: {
            count: (ctx.resume.resumed?.count ?? 0) + 1,
            at: [...(ctx.resume.resumed?.at ?? []), new Date().toISOString()]
          }
        }
      : {
          id: ctx.studyId,
          name: spec.name,
          status: 'running',
          createdAt: new Date().toISOString(),
          spec,
          backend: ctx.backend,
          versions: { app: ctx.appVersion, tfjs: tf.version_core, node: process.versions.node },
          targets: allTargets.map(({ t, role }) => ({
            name: t.name,
            role,
            arch: t.arch,
            zooId: zooIdOf(t, dataset),
            reused: sources.get(t.name) !== 'train'
          })),
          seeds: spec.seeds.map((seed) => ({ seed, status: 'pending' as const })),
          results: studyTables(spec, []),
          claims: [],
          timings: {}
        }
    await save(record)
    const numbers: SeedNumbers[] = []
    for (const entry of record.seeds) {
      const run = await seedRun(spec, entry, record, { runs, sources, ctx, save })
      // The targets its audit trained join the zoo; the next seeds import them from there.
      const trained = [...run.spec.targets, ...(run.spec.validation?.targets ?? [])]
      if (trained.length) {
        const added = await addTrainedTargets(
          trained,
          { id: run.id, dir: runs.runDir(run.id) },
          dataset,
          zoo
        )
        for (const [name, source] of added) sources.set(name, source)
      }
      entry.status = 'completed'
      entry.seconds = run.timings.total
      entry.time = seedTimeParts(run)
      numbers.push(seedNumbers(spec, entry.seed, run))
      record.results = studyTables(spec, numbers)
      record.claims = studyClaims(spec, record.results)
      await save(record)
    }
    record.status = 'completed'
    record.finishedAt = new Date().toISOString()
    await save(record)
    ctx.emit({ jobId: ctx.jobId, kind: 'completed', runId: record.id })
    return record
  } catch (error) {
    const cancelled = error instanceof JobCancelledError
    const message = error instanceof Error ? error.message : String(error)
    if (record) {
      record.status = cancelled ? 'cancelled' : 'failed'
      record.error = cancelled ? undefined : message
      record.finishedAt = new Date().toISOString()
      for (const s of record.seeds)
        if (s.status === 'running') s.status = cancelled ? 'cancelled' : 'failed'
      await save(record).catch(() => undefined)
    }
    ctx.emit(
      cancelled
        ? { jobId: ctx.jobId, kind: 'cancelled', runId: ctx.studyId }
        : { jobId: ctx.jobId, kind: 'failed', runId: ctx.studyId, message }
    )
    throw error
  }
}

interface SeedRunContext {
  runs: RunStore
  sources: Map<string, { zooPath: string } | 'train'>
  ctx: StudyContext
  save: (record: StudyRecord) => Promise<void>
}

/** The completed audit of one seed: read back, resumed, or run now. */
async function seedRun(
  spec: StudySpec,
  entry: StudyRecord['seeds'][number],
  record: StudyRecord,
  o: SeedRunContext
): Promise<RunRecord> {
  const previous = entry.runId ? await o.runs.get(entry.runId).catch(() => undefined) : undefined
  if (previous?.status === 'completed') return previous
  const auditSpec = previous?.spec ?? AuditSpec.parse(studyAuditSpec(spec, entry.seed, o.sources))
  entry.runId = previous?.id ?? o.runs.newRunId(auditSpec.name)
  entry.status = 'running'
  await o.save(record)
  const { ctx } = o
  // The audit's own terminal events would end the study's job: the study reports its own.
  const emit = (event: JobEvent): void => {
    if (event.kind !== 'completed' && event.kind !== 'failed' && event.kind !== 'cancelled')
      ctx.emit({ ...event, jobId: ctx.jobId })
  }
  return runAudit(auditSpec, {
    jobId: ctx.jobId,
    runId: entry.runId,
    workspaceRoot: ctx.workspaceRoot,
    backend: ctx.backend,
    appVersion: ctx.appVersion,
    emit,
    signal: ctx.signal,
    ...(ctx.execution ? { execution: ctx.execution } : {}),
    ...(previous ? { resume: previous } : {})
  })
}

/** The dataset must leave training images after the validation split (the error names dataset.validationSize). */
async function checkSplit(spec: StudySpec): Promise<void> {
  const { train } = await loadDataset({ ...spec.dataset, validationSize: 0 })
  checkTrainLeft(
    train.count,
    spec.dataset.validationSize,
    spec.recipe.batchSize,
    (path, message) => {
      throw new Error(`${path.join('.')}: ${message}`)
    }
  )
}
