/**
 * The request handler behind every shell: Electron's IPC, the browser-mode WebSocket and tests.
 *
 * It validates each payload against the contract's schema before doing anything, reads the
 * workspace for run queries, and hands audits to the engine process; it never does tensor work.
 */
import { access, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AuditSpec, describeSpecError, type AuditSpecInput } from '../contract/audit-spec'
import {
  Channels,
  RequestSchemas,
  type AppInfo,
  type CommandChannel,
  type PdfExport,
  type Responses
} from '../contract/api'
import type { DetectDatasetRequest, InspectDatasetRequest } from '../contract/dataset-inspection'
import type { JobEvent } from '../contract/job-events'
import {
  ImportFormat,
  ZooAddRequest,
  type TargetCheckRequest,
  type TargetCheckResult,
  type ZooAddTrainedRequest,
  type ZooTargetEntry,
  type ZooSet
} from '../contract/target-zoo'
import type { ThroughputEstimate, ThroughputRequest } from '../contract/throughput'
import type { EngineClient } from '../engine-host/engine-protocol'
import { checkResumable, ResumeRefusedError } from '../engine/jobs/check-resumable'
import { RunNotFoundError, RunStore } from '../engine/workspace/run-store'
import { TargetZoo, ZooError } from '../engine/workspace/target-zoo'
import { ensureWorkspace } from '../engine/workspace/workspace-root'
import { buildReportHtml } from '../engine/report/report-html'
import { buildCompareReportHtml } from '../engine/report/compare-report-html'
import { CompareRefusedError, compareRuns } from '../engine/compare/compare-runs'
import type { CompareRequest, RunComparison } from '../contract/run-comparison'
import { buildStudyReportHtml } from '../engine/report/study-report-html'
import type { StudySpec } from '../contract/study-spec'
import { STUDY_JOB_PREFIX, type StudyRecord } from '../contract/study-record'
import { StudyNotFoundError, StudyStore } from '../engine/workspace/study-store'
import { readGallery } from '../engine/evaluation/example-gallery'
import { readPerSamplePreview } from '../engine/evaluation/per-sample-results'
import { demoSpecPath } from './demo-spec'
import { readAppSettings, saveAppSettings } from './app-settings'
import type { AppSettings, ExecutionSettings } from '../contract/execution'
import { machineCores } from '../engine/backend/thread-count'
import { poolShape } from '../engine/pool/pool-size'

export interface ServiceOptions {
  workspaceRoot: string
  engine: EngineClient
  shell: AppInfo['shell']
  appVersion: string
  /** Turns a report into a PDF the user can reach: a saved path (Electron) or a download URL (browser). */
  exportPdf: (runId: string, html: string, kind?: 'run' | 'study') => Promise<PdfExport | null>
  /** A native folder dialog (Electron); absent in browser mode, where the UI keeps its path field. */
  pickFolder?: (title: string) => Promise<string | null>
}

/** An error whose message is meant for the user as it is. */
export class RequestError extends Error {}

export interface FlatlineService {
  handle(channel: string, payload: unknown): Promise<unknown>
  onEvent(listener: (event: JobEvent) => void): () => void
  /** The report HTML of a run, as exported. */
  reportHtml(runId: string): Promise<string>
  runStore: RunStore
  studyStore: StudyStore
}

/** Run models with these archs were imported into the run (ModelResult.arch is the format), not trained. */
const IMPORTED_ARCHES = new Set<string>(ImportFormat.options)

export async function createFlatlineService(options: ServiceOptions): Promise<FlatlineService> {
  const workspace = await ensureWorkspace(options.workspaceRoot)
  const runStore = new RunStore(workspace.root)
  const zoo = new TargetZoo(workspace.root)
  const activeRuns = new Map<string, string>() // jobId -> runId
  const studyStore = new StudyStore(workspace.root)
  const activeStudies = new Map<string, string>() // jobId -> studyId
  const busy = (): boolean => activeRuns.size + activeStudies.size > 0
  // A measurement costs seconds of engine time and does not change within one engine: ask once.
  const throughputs = new Map<string, Promise<ThroughputEstimate>>()
  options.engine.onEvent((event) => {
    if (event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled') {
      activeRuns.delete(event.jobId)
      activeStudies.delete(event.jobId)
    }
  })

  /** The engine's check of a model file (a relative path is read from the app's working folder). */
  function checkTarget(request: TargetCheckRequest): Promise<TargetCheckResult> {
    return options.engine.query({ kind: 'check-target', ...request, path: resolve(request.path) })
  }
  /** Zoo refusals are for the user as they are. */
  async function zooCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw error instanceof ZooError ? new RequestError(error.message) : error
    }
  }

  /**
   * zoo.addTrained: a model trained in a completed run becomes a 'flatline' target, checked on a
   * sample of the run's own dataset, then copied like any other (the run's folder is left as it is).
   */
  async function addTrained(request: ZooAddTrainedRequest): Promise<ZooTargetEntry> {
    const run = await runStore.get(request.runId).catch((error: Error) => {
      throw new ZooError(
        error instanceof RunNotFoundError
          ? `there is no run "${request.runId}"`
          : `cannot read run "${request.runId}": ${error.message}`
      )
    })
    if (run.status !== 'completed' || [...activeRuns.values()].includes(run.id))
      throw new ZooError(
        `run "${run.id}" is ${run.status}: only a model of a completed run can be added to the zoo`
      )
    const trained = run.results?.models.find((m) => m.name === request.model)
    if (!trained) throw new ZooError(`run "${run.id}" has no model "${request.model}"`)
    if (IMPORTED_ARCHES.has(trained.arch))
      throw new ZooError(
        `"${request.model}" was imported into run "${run.id}", not trained in it: add its own file to the zoo instead`
      )
    await zoo.assertNameFree(request.name) // before spending engine time on the check
    const path = join(runStore.runDir(run.id), 'models', request.model)
    await access(join(path, 'manifest.json')).catch(() => {
      throw new ZooError(
        `run "${run.id}" lists "${request.model}" but its saved model is missing (${path}): it cannot be added`
      )
    })
    const add = ZooAddRequest.parse({
      format: 'flatline',
      path,
      dataset: run.spec.dataset,
      sampleSize: request.sampleSize,
      name: request.name,
      acceptCheck: request.acceptCheck
    })
    return zoo.add(add, await checkTarget(add), { runId: run.id, model: request.model })
  }

  /** A study's record, with a `running` one no engine owns shown as interrupted (like runs). */
  async function getStudy(studyId: string): Promise<StudyRecord> {
    const study = await studyStore.get(studyId).catch((error: Error) => {
      throw error instanceof StudyNotFoundError ? new RequestError(error.message) : error
    })
    return study.status === 'running' && ![...activeStudies.values()].includes(studyId)
      ? { ...study, status: 'interrupted' as const }
      : study
  }

  async function studyReportHtml(studyId: string): Promise<string> {
    return buildStudyReportHtml(await getStudy(studyId), {
      appVersion: options.appVersion,
      generatedAt: new Date()
    })
  }

  async function reportHtml(runId: string): Promise<string> {
    const run = await runStore.get(runId)
    // A broken gallery file costs the report its gallery section, not the report.
    const gallery = await readGallery(runStore.runDir(runId)).catch(() => null)
    const perSample = await readPerSamplePreview(runStore.runDir(runId))
    return buildReportHtml(run, {
      appVersion: options.appVersion,
      generatedAt: new Date(),
      gallery,
      perSample
    })
  }

  /** Both runs read, then compared; a refusal (different data, no shared target) reaches the user as it is. */
  async function comparison({ before, after }: CompareRequest): Promise<RunComparison> {
    const [a, b] = await Promise.all([runStore.get(before), runStore.get(after)])
    try {
      return compareRuns(a, b)
    } catch (error) {
      throw error instanceof CompareRefusedError
        ? new RequestError(`Cannot compare these runs: ${error.message}.`)
        : error
    }
  }

  /** The settings' Redis queue when one is set, else the spec's workers, else one per core (pool-size.ts); studies alike. */
  async function executionFor(spec: Pick<AuditSpec, 'workers'>): Promise<ExecutionSettings> {
    const { queue } = await readAppSettings(workspace.root)
    return queue ? { queue } : { workers: spec.workers ?? poolShape({}).workers }
  }

  const handlers: { [C in CommandChannel]: (payload: never) => Promise<Responses[C]> } = {
    [Channels.AppInfo]: async () => ({
      version: options.appVersion,
      backend: await options.engine.ready(),
      workspace: workspace.root,
      shell: options.shell,
      cores: machineCores()
    }),
    [Channels.DemoSpec]: async () =>
      JSON.parse(await readFile(demoSpecPath(), 'utf8')) as AuditSpecInput,
    [Channels.StartAudit]: async (spec: AuditSpec) => {
      if (busy())
        throw new RequestError(
          'An audit is already running. Wait for it to finish or cancel it first.'
        )
      const runId = runStore.newRunId(spec.name)
      const jobId = `job-${runId}`
      const execution = await executionFor(spec)
      activeRuns.set(jobId, runId)
      options.engine.start({
        type: 'start',
        jobId,
        runId,
        spec,
        workspace: workspace.root,
        appVersion: options.appVersion,
        execution
      })
      return { jobId, runId }
    },
    [Channels.ResumeRun]: async ({ runId }: { runId: string }) => {
      const active = [...activeRuns.values()].includes(runId)
      if (busy() && !active)
        throw new RequestError(
          'An audit is already running. Wait for it to finish or cancel it first.'
        )
      let record
      try {
        record = await runStore.get(runId)
        checkResumable(record, active)
      } catch (error) {
        throw new RequestError(
          error instanceof ResumeRefusedError
            ? error.message
            : `Cannot resume run "${runId}": ${(error as Error).message}`
        )
      }
      // A job id of its own: the run's earlier job (finished) must not be confused with this one.
      const jobId = `job-${runId}-r${(record.resumed?.count ?? 0) + 1}`
      const execution = await executionFor(record.spec)
      activeRuns.set(jobId, runId)
      options.engine.start({
        type: 'start',
        jobId,
        runId,
        spec: record.spec,
        workspace: workspace.root,
        appVersion: options.appVersion,
        resume: true,
        execution
      })
      return { jobId, runId }
    },
    [Channels.CancelJob]: async ({ jobId }: { jobId: string }) => {
      if (!activeRuns.has(jobId) && !activeStudies.has(jobId)) return { cancelled: false }
      options.engine.cancel(jobId)
      return { cancelled: true }
    },
    [Channels.ListRuns]: async () => runStore.list(new Set(activeRuns.values())),
    [Channels.GetRun]: async ({ runId }: { runId: string }) => runStore.get(runId),
    [Channels.DeleteRun]: async ({ runId }: { runId: string }) => {
      if ([...activeRuns.values()].includes(runId))
        throw new RequestError('This run is still in progress: cancel it first.')
      await runStore.remove(runId)
      return { deleted: true }
    },
    [Channels.GetGallery]: async ({ runId }: { runId: string }) => {
      await runStore.get(runId) // an unknown run is an error, not an empty gallery
      return readGallery(runStore.runDir(runId))
    },
    [Channels.ReportHtml]: async ({ runId }: { runId: string }) => ({
      html: await reportHtml(runId)
    }),
    [Channels.CompareRuns]: comparison,
    [Channels.CompareReportHtml]: async (request: CompareRequest) => ({
      html: buildCompareReportHtml(await comparison(request), {
        appVersion: options.appVersion,
        generatedAt: new Date()
      })
    }),
    [Channels.ExportPdf]: async ({ runId }: { runId: string }) =>
      options.exportPdf(runId, await reportHtml(runId)),
    [Channels.PickFolder]: async ({ title }: { title?: string }) => ({
      path: options.pickFolder ? await options.pickFolder(title ?? 'Choose a folder') : null
    }),
    [Channels.DetectDataset]: async ({ path }: DetectDatasetRequest) =>
      options.engine.query({ kind: 'detect-dataset', path }),
    [Channels.InspectDataset]: async (request: InspectDatasetRequest) =>
      options.engine.query({ kind: 'inspect-dataset', ...request }),
    [Channels.MeasureThroughput]: async (request: ThroughputRequest) => {
      const key = JSON.stringify(request)
      if (!throughputs.has(key)) {
        const measured = options.engine.query({ kind: 'measure-throughput', ...request })
        measured.catch(() => throughputs.delete(key)) // a failed measurement may be retried
        throughputs.set(key, measured)
      }
      return throughputs.get(key)!
    },
    [Channels.ZooList]: async () => zoo.list(),
    [Channels.ZooCheck]: async (request: TargetCheckRequest) => checkTarget(request),
    [Channels.ZooAdd]: async (request: ZooAddRequest) =>
      zooCall(async () => {
        await zoo.assertNameFree(request.name) // before spending engine time on the check
        const absolute = { ...request, path: resolve(request.path) }
        return zoo.add(absolute, await checkTarget(absolute))
      }),
    [Channels.ZooAddTrained]: async (request: ZooAddTrainedRequest) =>
      zooCall(() => addTrained(request)),
    [Channels.ZooRemove]: async ({ id }: { id: string }) => zooCall(() => zoo.remove(id)),
    [Channels.ZooSaveSets]: async ({ sets }: { sets: ZooSet[] }) =>
      zooCall(() => zoo.saveSets(sets)),
    [Channels.StartStudy]: async (spec: StudySpec) => {
      if (busy())
        throw new RequestError(
          'An audit or study is already running. Wait for it to finish or cancel it first.'
        )
      const studyId = studyStore.newStudyId(spec.name)
      const jobId = `${STUDY_JOB_PREFIX}${studyId}`
      const execution = await executionFor(spec)
      activeStudies.set(jobId, studyId)
      options.engine.start({
        type: 'start-study',
        jobId,
        runId: studyId,
        spec,
        workspace: workspace.root,
        appVersion: options.appVersion,
        execution
      })
      return { jobId, studyId }
    },
    [Channels.ResumeStudy]: async ({ studyId }: { studyId: string }) => {
      if (busy())
        throw new RequestError(
          'An audit or study is already running. Wait for it to finish or cancel it first.'
        )
      const study = await getStudy(studyId)
      if (study.status === 'completed')
        throw new RequestError(`Study "${studyId}" is completed: there is nothing to resume.`)
      const jobId = `${STUDY_JOB_PREFIX}${studyId}-r${(study.resumed?.count ?? 0) + 1}`
      const execution = await executionFor(study.spec)
      activeStudies.set(jobId, studyId)
      options.engine.start({
        type: 'start-study',
        jobId,
        runId: studyId,
        spec: study.spec,
        workspace: workspace.root,
        appVersion: options.appVersion,
        resume: true,
        execution
      })
      return { jobId, studyId }
    },
    [Channels.ListStudies]: async () => studyStore.list(new Set(activeStudies.values())),
    [Channels.GetStudy]: async ({ studyId }: { studyId: string }) => getStudy(studyId),
    [Channels.StudyReportHtml]: async ({ studyId }: { studyId: string }) => ({
      html: await studyReportHtml(studyId)
    }),
    [Channels.ExportStudyPdf]: async ({ studyId }: { studyId: string }) =>
      options.exportPdf(studyId, await studyReportHtml(studyId), 'study'),
    [Channels.GetSettings]: async () => readAppSettings(workspace.root),
    [Channels.SaveSettings]: async (settings: AppSettings) =>
      saveAppSettings(workspace.root, settings)
  }

  return {
    runStore,
    studyStore,
    reportHtml,
    onEvent: (listener) => options.engine.onEvent(listener),
    async handle(channel, payload) {
      if (!Object.hasOwn(RequestSchemas, channel))
        throw new RequestError(`Unknown request "${channel}".`)
      const command = channel as CommandChannel
      const parsed = RequestSchemas[command].safeParse(payload)
      if (!parsed.success)
        throw new RequestError(`Invalid request "${channel}":\n${describeSpecError(parsed.error)}`)
      const handler = handlers[command] as (payload: unknown) => Promise<unknown>
      return handler(parsed.data)
    }
  }
}
