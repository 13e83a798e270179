/**
 * A FlatlineApi made of vi.fn()s for renderer unit tests, plus a way to push job events.
 *
 * Not a transport: it stands in for whichever one the page gets, so stores can be tested alone.
 */
import type { FlatlineApi } from '@contract/api'
import type { AuditSpecInput } from '@contract/audit-spec'
import type { JobEvent } from '@contract/job-events'
import type { RunRecord, RunSummary } from '@contract/run-record'
import { vi } from 'vitest'

export interface FakeApi {
  api: FlatlineApi
  emit(event: JobEvent): void
  listenerCount(): number
  calls: {
    start: ReturnType<typeof vi.fn>
    resume: ReturnType<typeof vi.fn>
    cancel: ReturnType<typeof vi.fn>
    list: ReturnType<typeof vi.fn>
    get: ReturnType<typeof vi.fn>
    exportPdf: ReturnType<typeof vi.fn>
  }
}

export const demoSpec: AuditSpecInput = {
  name: 'demo',
  surrogates: [{ name: 'sur', arch: 'small-cnn' }],
  targets: [{ name: 'tgt', arch: 'small-cnn' }]
}

export function createFakeApi(
  options: {
    runs?: RunSummary[]
    records?: Record<string, RunRecord>
    start?: () => Promise<{ jobId: string; runId: string }>
    resume?: (runId: string) => Promise<{ jobId: string; runId: string }>
  } = {}
): FakeApi {
  const listeners = new Set<(event: JobEvent) => void>()
  const start = vi.fn(options.start ?? (async () => ({ jobId: 'job-1', runId: 'run-1' })))
  const resume = vi.fn(
    options.resume ?? (async (runId: string) => ({ jobId: `job-${runId}-r1`, runId }))
  )
  const cancel = vi.fn(async () => ({ cancelled: true }))
  const list = vi.fn(async () => options.runs ?? [])
  const get = vi.fn(async (runId: string) => {
    const record = options.records?.[runId]
    if (!record) throw new Error(`run ${runId} not found`)
    return record
  })
  const exportPdf = vi.fn(async () => ({ path: '/tmp/report.pdf' }))
  let settings = {}
  const api: FlatlineApi = {
    app: {
      info: async () => ({
        version: '0.1.0',
        backend: 'cpu',
        workspace: '/tmp/ws',
        shell: 'browser',
        cores: 2
      }),
      pickFolder: async () => ({ path: null })
    },
    // Tests of the Datasets view replace these with their own answers.
    datasets: {
      detect: async () => Promise.reject(new Error('no dataset answers in this test')),
      inspect: async () => Promise.reject(new Error('no dataset answers in this test'))
    },
    engine: {
      measureThroughput: async () => ({
        trainImagesPerSecond: 600,
        gradientsPerSecond: 1500,
        seconds: 1,
        backend: 'cpu'
      })
    },
    audit: {
      demoSpec: async () => demoSpec,
      start,
      resume,
      cancel,
      onEvent: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      }
    },
    runs: {
      list,
      get,
      remove: async () => ({ deleted: true }),
      gallery: async () => null,
      compare: async () => Promise.reject(new Error('no comparison in this test'))
    },
    report: {
      html: async () => ({ html: '' }),
      exportPdf,
      compareHtml: async () => ({ html: '' })
    },
    // An empty zoo; tests of the Target zoo replace these with their own answers.
    zoo: {
      list: async () => ({ targets: [], sets: [] }),
      check: async () => Promise.reject(new Error('no zoo answers in this test')),
      add: async () => Promise.reject(new Error('no zoo answers in this test')),
      addTrained: async () => Promise.reject(new Error('no zoo answers in this test')),
      remove: async () => ({ removed: true }),
      saveSets: async (sets) => sets
    },
    // No studies; tests of the study views replace these with their own answers.
    study: {
      start: async () => Promise.reject(new Error('no study answers in this test')),
      resume: async () => Promise.reject(new Error('no study answers in this test')),
      list: async () => [],
      get: async () => Promise.reject(new Error('no study answers in this test')),
      reportHtml: async () => ({ html: '' }),
      exportPdf: async () => null
    },
    settings: {
      get: async () => settings,
      save: async (next) => (settings = next)
    }
  }
  return {
    api,
    emit: (event) => listeners.forEach((listener) => listener(event)),
    listenerCount: () => listeners.size,
    calls: { start, resume, cancel, list, get, exportPdf }
  }
}

/** Lets pending promise callbacks (the store's awaits) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}
