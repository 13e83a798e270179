/**
 * The one contract between the UI and the engine side.
 *
 * `Commands` maps each channel name to its request schema and response type. Electron's preload,
 * the browser-mode WebSocket client and the test harness all implement `FlatlineApi`, so the
 * renderer calls `api.audit.start(spec)` without knowing which transport carries it.
 */
import { z } from 'zod'
import { AuditSpec, type AuditSpecInput } from './audit-spec'
import { AppSettings } from './execution'
import {
  DetectDatasetRequest,
  InspectDatasetRequest,
  type DatasetDetection,
  type DatasetInspection,
  type InspectDatasetRequestInput
} from './dataset-inspection'
import type { JobEvent } from './job-events'
import { CompareRequest, type RunComparison } from './run-comparison'
import type { RunGallery } from './run-gallery'
import type { RunRecord, RunSummary } from './run-record'
import {
  TargetCheckRequest,
  ZooAddRequest,
  ZooAddTrainedRequest,
  ZooSets,
  ZooTargetName,
  type TargetCheckRequestInput,
  type TargetCheckResult,
  type ZooAddRequestInput,
  type ZooAddTrainedRequestInput,
  type ZooListing,
  type ZooSet,
  type ZooTargetEntry
} from './target-zoo'
import { ThroughputRequest, type ThroughputEstimate } from './throughput'
import type { StudyRecord, StudySummary } from './study-record'
import { StudySpec, type StudySpecInput } from './study-spec'

export const Channels = {
  AppInfo: 'app:info',
  PickFolder: 'app:pick-folder',
  DetectDataset: 'dataset:detect',
  InspectDataset: 'dataset:inspect',
  DemoSpec: 'audit:demo-spec',
  StartAudit: 'audit:start',
  ResumeRun: 'audit:resume',
  CancelJob: 'job:cancel',
  ListRuns: 'runs:list',
  GetRun: 'runs:get',
  DeleteRun: 'runs:delete',
  GetGallery: 'runs:gallery',
  ReportHtml: 'report:html',
  CompareRuns: 'runs:compare',
  CompareReportHtml: 'report:compare-html',
  ExportPdf: 'report:export-pdf',
  MeasureThroughput: 'engine:measure-throughput',
  ZooList: 'zoo:list',
  ZooCheck: 'zoo:check',
  ZooAdd: 'zoo:add',
  ZooAddTrained: 'zoo:add-trained',
  ZooRemove: 'zoo:remove',
  ZooSaveSets: 'zoo:save-sets',
  StartStudy: 'study:start',
  ResumeStudy: 'study:resume',
  ListStudies: 'studies:list',
  GetStudy: 'studies:get',
  StudyReportHtml: 'study-report:html',
  ExportStudyPdf: 'study-report:export-pdf',
  GetSettings: 'settings:get',
  SaveSettings: 'settings:save',
  JobEvent: 'job:event'
} as const
export type Channel = (typeof Channels)[keyof typeof Channels]

const RunId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'a run id holds only letters, digits, "-" and "_"')
const JobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'a job id holds only letters, digits, "-" and "_"')

/** Request payload schemas: main (and the browser server) parse every payload with these. */
export const RequestSchemas = {
  [Channels.AppInfo]: z.undefined(),
  [Channels.PickFolder]: z.strictObject({ title: z.string().max(200).optional() }),
  [Channels.DetectDataset]: DetectDatasetRequest,
  [Channels.InspectDataset]: InspectDatasetRequest,
  [Channels.DemoSpec]: z.undefined(),
  [Channels.StartAudit]: AuditSpec,
  [Channels.ResumeRun]: z.strictObject({ runId: RunId }),
  [Channels.CancelJob]: z.strictObject({ jobId: JobId }),
  [Channels.ListRuns]: z.undefined(),
  [Channels.GetRun]: z.strictObject({ runId: RunId }),
  [Channels.DeleteRun]: z.strictObject({ runId: RunId }),
  [Channels.GetGallery]: z.strictObject({ runId: RunId }),
  [Channels.ReportHtml]: z.strictObject({ runId: RunId }),
  [Channels.CompareRuns]: CompareRequest,
  [Channels.CompareReportHtml]: CompareRequest,
  [Channels.ExportPdf]: z.strictObject({ runId: RunId }),
  [Channels.MeasureThroughput]: ThroughputRequest,
  [Channels.ZooList]: z.undefined(),
  [Channels.ZooCheck]: TargetCheckRequest,
  [Channels.ZooAdd]: ZooAddRequest,
  [Channels.ZooAddTrained]: ZooAddTrainedRequest.extend({ runId: RunId }),
  [Channels.ZooRemove]: z.strictObject({ id: ZooTargetName }),
  [Channels.ZooSaveSets]: z.strictObject({ sets: ZooSets }),
  [Channels.StartStudy]: StudySpec,
  [Channels.ResumeStudy]: z.strictObject({ studyId: RunId }),
  [Channels.ListStudies]: z.undefined(),
  [Channels.GetStudy]: z.strictObject({ studyId: RunId }),
  [Channels.StudyReportHtml]: z.strictObject({ studyId: RunId }),
  [Channels.ExportStudyPdf]: z.strictObject({ studyId: RunId }),
  [Channels.GetSettings]: z.undefined(),
  [Channels.SaveSettings]: AppSettings
} as const
export type CommandChannel = keyof typeof RequestSchemas

export interface AppInfo {
  version: string
  backend: string
  workspace: string
  /** 'electron' or 'browser': which shell serves the UI. */
  shell: 'electron' | 'browser'
  /** Cores of the engine's machine: the default number of workers (one per core). */
  cores: number
}

/** Where the exported PDF went: a path (Electron, CLI) or a download URL (browser mode). */
export interface PdfExport {
  path?: string
  url?: string
}

export interface Responses {
  [Channels.AppInfo]: AppInfo
  /** The folder the user chose, or null (cancelled, or browser mode: the UI keeps its text field). */
  [Channels.PickFolder]: { path: string | null }
  [Channels.DetectDataset]: DatasetDetection
  [Channels.InspectDataset]: DatasetInspection
  [Channels.DemoSpec]: AuditSpecInput
  [Channels.StartAudit]: { jobId: string; runId: string }
  /** The new job continuing the run, under the run's own id. */
  [Channels.ResumeRun]: { jobId: string; runId: string }
  [Channels.CancelJob]: { cancelled: boolean }
  [Channels.ListRuns]: RunSummary[]
  [Channels.GetRun]: RunRecord
  [Channels.DeleteRun]: { deleted: boolean }
  /** The run's example gallery, or null when the run has none (older runs, failed before the attack). */
  [Channels.GetGallery]: RunGallery | null
  [Channels.ReportHtml]: { html: string }
  /** Per shared target, the change in transfer success from `before` to `after` (refused with the reason when the runs do not compare). */
  [Channels.CompareRuns]: RunComparison
  [Channels.CompareReportHtml]: { html: string }
  [Channels.ExportPdf]: PdfExport | null
  [Channels.MeasureThroughput]: ThroughputEstimate
  [Channels.ZooList]: ZooListing
  [Channels.ZooCheck]: TargetCheckResult
  [Channels.ZooAdd]: ZooTargetEntry
  [Channels.ZooAddTrained]: ZooTargetEntry
  [Channels.ZooRemove]: { removed: boolean }
  [Channels.ZooSaveSets]: ZooSet[]
  [Channels.StartStudy]: { jobId: string; studyId: string }
  /** The new job continuing the study, under the study's own id. */
  [Channels.ResumeStudy]: { jobId: string; studyId: string }
  [Channels.ListStudies]: StudySummary[]
  [Channels.GetStudy]: StudyRecord
  [Channels.StudyReportHtml]: { html: string }
  [Channels.ExportStudyPdf]: PdfExport | null
  [Channels.GetSettings]: AppSettings
  [Channels.SaveSettings]: AppSettings
}

/** The API as the page sees it: functions, never channel names. */
export interface FlatlineApi {
  app: {
    info(): Promise<AppInfo>
    /** A native folder dialog (Electron); null when cancelled or where there is none (browser mode). */
    pickFolder(title?: string): Promise<{ path: string | null }>
  }
  /** The Datasets view's questions to the engine (dataset-inspection.ts). */
  datasets: {
    detect(path: string): Promise<DatasetDetection>
    inspect(request: InspectDatasetRequestInput): Promise<DatasetInspection>
  }
  engine: {
    /** Training and attack throughput of one architecture on the active backend (measured once, then cached). */
    measureThroughput(request: ThroughputRequest): Promise<ThroughputEstimate>
  }
  audit: {
    demoSpec(): Promise<AuditSpecInput>
    start(spec: AuditSpecInput): Promise<{ jobId: string; runId: string }>
    /** Continues a cancelled, failed or interrupted run from its last saved epoch (same run id). */
    resume(runId: string): Promise<{ jobId: string; runId: string }>
    cancel(jobId: string): Promise<{ cancelled: boolean }>
    /** Subscribes to job events; returns the unsubscribe function. */
    onEvent(listener: (event: JobEvent) => void): () => void
  }
  runs: {
    list(): Promise<RunSummary[]>
    get(runId: string): Promise<RunRecord>
    remove(runId: string): Promise<{ deleted: boolean }>
    gallery(runId: string): Promise<RunGallery | null>
    /** Two runs side by side (run-comparison.ts); refused, naming what differs, across datasets or without a shared target. */
    compare(before: string, after: string): Promise<RunComparison>
  }
  report: {
    html(runId: string): Promise<{ html: string }>
    exportPdf(runId: string): Promise<PdfExport | null>
    /** The comparison report of two runs as a standalone HTML document. */
    compareHtml(before: string, after: string): Promise<{ html: string }>
  }
  /** The target zoo (target-zoo.ts): in-house models checked on a dataset sample, and named sets of them. */
  zoo: {
    list(): Promise<ZooListing>
    /** Checks a model file (engine query); stores nothing. */
    check(request: TargetCheckRequestInput): Promise<TargetCheckResult>
    /** Checks, then copies the model into the zoo; refuses a used name, and a check that warned unless `acceptCheck`. */
    add(request: ZooAddRequestInput): Promise<ZooTargetEntry>
    /** Adds a model trained in a completed run (checked on the run's dataset, then copied); same refusals as `add`. */
    addTrained(request: ZooAddTrainedRequestInput): Promise<ZooTargetEntry>
    remove(id: string): Promise<{ removed: boolean }>
    saveSets(sets: ZooSet[]): Promise<ZooSet[]>
  }
  /**
   * Studies (issue 14): the paper's claims on the user's data, one audit per seed. A study's job
   * sends the usual job events (its current audit's tasks) plus `study-updated`; cancel it with
   * `audit.cancel(jobId)`.
   */
  study: {
    start(spec: StudySpecInput): Promise<{ jobId: string; studyId: string }>
    /** Continues a cancelled, failed or interrupted study from its completed seeds and last saved epoch. */
    resume(studyId: string): Promise<{ jobId: string; studyId: string }>
    list(): Promise<StudySummary[]>
    get(studyId: string): Promise<StudyRecord>
    reportHtml(studyId: string): Promise<{ html: string }>
    exportPdf(studyId: string): Promise<PdfExport | null>
  }
  /** The app's own settings (execution.ts): where audits run when a Redis queue is set. */
  settings: {
    get(): Promise<AppSettings>
    save(settings: AppSettings): Promise<AppSettings>
  }
}

/** Builds a FlatlineApi from one generic `invoke` and one event subscription; shared by every transport. */
export function createApi(
  invoke: <C extends CommandChannel>(channel: C, payload: unknown) => Promise<Responses[C]>,
  subscribe: (listener: (event: JobEvent) => void) => () => void
): FlatlineApi {
  return {
    app: {
      info: () => invoke(Channels.AppInfo, undefined),
      pickFolder: (title) => invoke(Channels.PickFolder, { title })
    },
    datasets: {
      detect: (path) => invoke(Channels.DetectDataset, { path }),
      inspect: (request) => invoke(Channels.InspectDataset, request)
    },
    engine: { measureThroughput: (request) => invoke(Channels.MeasureThroughput, request) },
    audit: {
      demoSpec: () => invoke(Channels.DemoSpec, undefined),
      start: (spec) => invoke(Channels.StartAudit, spec),
      resume: (runId) => invoke(Channels.ResumeRun, { runId }),
      cancel: (jobId) => invoke(Channels.CancelJob, { jobId }),
      onEvent: subscribe
    },
    runs: {
      list: () => invoke(Channels.ListRuns, undefined),
      get: (runId) => invoke(Channels.GetRun, { runId }),
      remove: (runId) => invoke(Channels.DeleteRun, { runId }),
      gallery: (runId) => invoke(Channels.GetGallery, { runId }),
      compare: (before, after) => invoke(Channels.CompareRuns, { before, after })
    },
    report: {
      html: (runId) => invoke(Channels.ReportHtml, { runId }),
      exportPdf: (runId) => invoke(Channels.ExportPdf, { runId }),
      compareHtml: (before, after) => invoke(Channels.CompareReportHtml, { before, after })
    },
    zoo: {
      list: () => invoke(Channels.ZooList, undefined),
      check: (request) => invoke(Channels.ZooCheck, request),
      add: (request) => invoke(Channels.ZooAdd, request),
      addTrained: (request) => invoke(Channels.ZooAddTrained, request),
      remove: (id) => invoke(Channels.ZooRemove, { id }),
      saveSets: (sets) => invoke(Channels.ZooSaveSets, { sets })
    },
    study: {
      start: (spec) => invoke(Channels.StartStudy, spec),
      resume: (studyId) => invoke(Channels.ResumeStudy, { studyId }),
      list: () => invoke(Channels.ListStudies, undefined),
      get: (studyId) => invoke(Channels.GetStudy, { studyId }),
      reportHtml: (studyId) => invoke(Channels.StudyReportHtml, { studyId }),
      exportPdf: (studyId) => invoke(Channels.ExportStudyPdf, { studyId })
    },
    settings: {
      get: () => invoke(Channels.GetSettings, undefined),
      save: (settings) => invoke(Channels.SaveSettings, settings)
    }
  }
}
