/**
 * The request handler behind every shell: Electron's IPC, the browser-mode WebSocket and tests.
 *
 * It validates each payload against the contract's schema before doing anything, reads the
 * workspace for run queries, and hands audits to the engine process; it never does tensor work.
 */
import { readFile } from 'node:fs/promises'
import { AuditSpec, describeSpecError, type AuditSpecInput } from '../contract/audit-spec'
import { Channels, RequestSchemas, type AppInfo, type CommandChannel, type PdfExport, type Responses } from '../contract/api'
import type { JobEvent } from '../contract/job-events'
import type { ThroughputEstimate, ThroughputRequest } from '../contract/throughput'
import type { EngineClient } from '../engine-host/engine-protocol'
import { RunStore } from '../engine/workspace/run-store'
import { ensureWorkspace } from '../engine/workspace/workspace-root'
import { buildReportHtml } from '../engine/report/report-html'
import { demoSpecPath } from './demo-spec'

export interface ServiceOptions {
  workspaceRoot: string
  engine: EngineClient
  shell: AppInfo['shell']
  appVersion: string
  /** Turns a report into a PDF the user can reach: a saved path (Electron) or a download URL (browser). */
  exportPdf: (runId: string, html: string) => Promise<PdfExport | null>
}

/** An error whose message is meant for the user as it is. */
export class RequestError extends Error {}

export interface FlatlineService {
  handle(channel: string, payload: unknown): Promise<unknown>
  onEvent(listener: (event: JobEvent) => void): () => void
  /** The report HTML of a run, as exported. */
  reportHtml(runId: string): Promise<string>
  runStore: RunStore
}

export async function createFlatlineService(options: ServiceOptions): Promise<FlatlineService> {
  const workspace = await ensureWorkspace(options.workspaceRoot)
  const runStore = new RunStore(workspace.root)
  const activeRuns = new Map<string, string>() // jobId -> runId
  // A measurement costs seconds of engine time and does not change within one engine: ask once.
  const throughputs = new Map<string, Promise<ThroughputEstimate>>()
  options.engine.onEvent((event) => {
    if (event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled') activeRuns.delete(event.jobId)
  })

  async function reportHtml(runId: string): Promise<string> {
    const run = await runStore.get(runId)
    return buildReportHtml(run, { appVersion: options.appVersion, generatedAt: new Date() })
  }

  const handlers: { [C in CommandChannel]: (payload: never) => Promise<Responses[C]> } = {
    [Channels.AppInfo]: async () => ({
      version: options.appVersion,
      backend: await options.engine.ready(),
      workspace: workspace.root,
      shell: options.shell
    }),
    [Channels.DemoSpec]: async () => JSON.parse(await readFile(demoSpecPath(), 'utf8')) as AuditSpecInput,
    [Channels.StartAudit]: async (spec: AuditSpec) => {
      if (activeRuns.size > 0)
        throw new RequestError('An audit is already running. Wait for it to finish or cancel it first.')
      const runId = runStore.newRunId(spec.name)
      const jobId = `job-${runId}`
      activeRuns.set(jobId, runId)
      options.engine.start({ type: 'start', jobId, runId, spec, workspace: workspace.root, appVersion: options.appVersion })
      return { jobId, runId }
    },
    [Channels.CancelJob]: async ({ jobId }: { jobId: string }) => {
      if (!activeRuns.has(jobId)) return { cancelled: false }
      options.engine.cancel(jobId)
      return { cancelled: true }
    },
    [Channels.ListRuns]: async () => runStore.list(new Set(activeRuns.values())),
    [Channels.GetRun]: async ({ runId }: { runId: string }) => runStore.get(runId),
    [Channels.DeleteRun]: async ({ runId }: { runId: string }) => {
      if ([...activeRuns.values()].includes(runId)) throw new RequestError('This run is still in progress: cancel it first.')
      await runStore.remove(runId)
      return { deleted: true }
    },
    [Channels.ReportHtml]: async ({ runId }: { runId: string }) => ({ html: await reportHtml(runId) }),
    [Channels.ExportPdf]: async ({ runId }: { runId: string }) => options.exportPdf(runId, await reportHtml(runId)),
    [Channels.MeasureThroughput]: async (request: ThroughputRequest) => {
      const key = JSON.stringify(request)
      if (!throughputs.has(key)) {
        const measured = options.engine.query({ kind: 'measure-throughput', ...request })
        measured.catch(() => throughputs.delete(key)) // a failed measurement may be retried
        throughputs.set(key, measured)
      }
      return throughputs.get(key)!
    }
  }

  return {
    runStore,
    reportHtml,
    onEvent: (listener) => options.engine.onEvent(listener),
    async handle(channel, payload) {
      if (!Object.hasOwn(RequestSchemas, channel)) throw new RequestError(`Unknown request "${channel}".`)
      const command = channel as CommandChannel
      const parsed = RequestSchemas[command].safeParse(payload)
      if (!parsed.success)
        throw new RequestError(`Invalid request "${channel}":\n${describeSpecError(parsed.error)}`)
      const handler = handlers[command] as (payload: unknown) => Promise<unknown>
      return handler(parsed.data)
    }
  }
}
