/**
 * The one contract between the UI and the engine side.
 *
 * `Commands` maps each channel name to its request schema and response type. Electron's preload,
 * the browser-mode WebSocket client and the test harness all implement `FlatlineApi`, so the
 * renderer calls `api.audit.start(spec)` without knowing which transport carries it.
 */
import { z } from 'zod'
import { AuditSpec, type AuditSpecInput } from './audit-spec'
import type { JobEvent } from './job-events'
import type { RunRecord, RunSummary } from './run-record'
import { ThroughputRequest, type ThroughputEstimate } from './throughput'

export const Channels = {
  AppInfo: 'app:info',
  DemoSpec: 'audit:demo-spec',
  StartAudit: 'audit:start',
  CancelJob: 'job:cancel',
  ListRuns: 'runs:list',
  GetRun: 'runs:get',
  DeleteRun: 'runs:delete',
  ReportHtml: 'report:html',
  ExportPdf: 'report:export-pdf',
  MeasureThroughput: 'engine:measure-throughput',
  JobEvent: 'job:event'
} as const
export type Channel = (typeof Channels)[keyof typeof Channels]

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'a run id holds only letters, digits, "-" and "_"')
const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'a job id holds only letters, digits, "-" and "_"')

/** Request payload schemas: main (and the browser server) parse every payload with these. */
export const RequestSchemas = {
  [Channels.AppInfo]: z.undefined(),
  [Channels.DemoSpec]: z.undefined(),
  [Channels.StartAudit]: AuditSpec,
  [Channels.CancelJob]: z.object({ jobId: JobId }),
  [Channels.ListRuns]: z.undefined(),
  [Channels.GetRun]: z.object({ runId: RunId }),
  [Channels.DeleteRun]: z.object({ runId: RunId }),
  [Channels.ReportHtml]: z.object({ runId: RunId }),
  [Channels.ExportPdf]: z.object({ runId: RunId }),
  [Channels.MeasureThroughput]: ThroughputRequest
} as const
export type CommandChannel = keyof typeof RequestSchemas

export interface AppInfo {
  version: string
  backend: string
  workspace: string
  /** 'electron' or 'browser': which shell serves the UI. */
  shell: 'electron' | 'browser'
}

/** Where the exported PDF went: a path (Electron, CLI) or a download URL (browser mode). */
export interface PdfExport {
  path?: string
  url?: string
}

export interface Responses {
  [Channels.AppInfo]: AppInfo
  [Channels.DemoSpec]: AuditSpecInput
  [Channels.StartAudit]: { jobId: string; runId: string }
  [Channels.CancelJob]: { cancelled: boolean }
  [Channels.ListRuns]: RunSummary[]
  [Channels.GetRun]: RunRecord
  [Channels.DeleteRun]: { deleted: boolean }
  [Channels.ReportHtml]: { html: string }
  [Channels.ExportPdf]: PdfExport | null
  [Channels.MeasureThroughput]: ThroughputEstimate
}

/** The API as the page sees it: functions, never channel names. */
export interface FlatlineApi {
  app: { info(): Promise<AppInfo> }
  engine: {
    /** Training and attack throughput of one architecture on the active backend (measured once, then cached). */
    measureThroughput(request: ThroughputRequest): Promise<ThroughputEstimate>
  }
  audit: {
    demoSpec(): Promise<AuditSpecInput>
    start(spec: AuditSpecInput): Promise<{ jobId: string; runId: string }>
    cancel(jobId: string): Promise<{ cancelled: boolean }>
    /** Subscribes to job events; returns the unsubscribe function. */
    onEvent(listener: (event: JobEvent) => void): () => void
  }
  runs: {
    list(): Promise<RunSummary[]>
    get(runId: string): Promise<RunRecord>
    remove(runId: string): Promise<{ deleted: boolean }>
  }
  report: {
    html(runId: string): Promise<{ html: string }>
    exportPdf(runId: string): Promise<PdfExport | null>
  }
}

/** Builds a FlatlineApi from one generic `invoke` and one event subscription; shared by every transport. */
export function createApi(
  invoke: <C extends CommandChannel>(channel: C, payload: unknown) => Promise<Responses[C]>,
  subscribe: (listener: (event: JobEvent) => void) => () => void
): FlatlineApi {
  return {
    app: { info: () => invoke(Channels.AppInfo, undefined) },
    engine: { measureThroughput: (request) => invoke(Channels.MeasureThroughput, request) },
    audit: {
      demoSpec: () => invoke(Channels.DemoSpec, undefined),
      start: (spec) => invoke(Channels.StartAudit, spec),
      cancel: (jobId) => invoke(Channels.CancelJob, { jobId }),
      onEvent: subscribe
    },
    runs: {
      list: () => invoke(Channels.ListRuns, undefined),
      get: (runId) => invoke(Channels.GetRun, { runId }),
      remove: (runId) => invoke(Channels.DeleteRun, { runId })
    },
    report: {
      html: (runId) => invoke(Channels.ReportHtml, { runId }),
      exportPdf: (runId) => invoke(Channels.ExportPdf, { runId })
    }
  }
}
