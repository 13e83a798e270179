/**
 * `npm run bench:responsive`: how responsive the browser-mode server stays while an audit trains.
 *
 * Starts the service and the browser-mode server as `npm run start:browser` does (engine in its
 * child process, on every core unless FLATLINE_THREADS says otherwise), starts the demo audit, and
 * for `--seconds` (default 60) of its training measures the server's event-loop delay
 * (perf_hooks.monitorEventLoopDelay) and the round trip of an HTTP request sent every 100 ms. Then
 * it cancels the audit and prints p50/p99/max of both. Goal: p99 event-loop lag under 50 ms.
 */
import { mkdtempSync } from 'node:fs'
import { request } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { Channels } from '../main/contract/api'
import { AuditSpec } from '../main/contract/audit-spec'
import type { JobEvent } from '../main/contract/job-events'
import { startBrowserServer } from '../main/browser/browser-server'
import { resourcesDir } from '../main/engine/data/resources-dir'
import { NodeEngineClient } from '../main/engine-host/node-engine-client'
import { createFlatlineService } from '../main/service/flatline-service'

const { values: opts } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } })
const seconds = Number(opts.seconds)
const engine = new NodeEngineClient()
const service = await createFlatlineService({
  workspaceRoot: mkdtempSync(path.join(os.tmpdir(), 'flatline-lag-')),
  engine,
  shell: 'browser',
  appVersion: 'bench',
  exportPdf: async () => null
})
const server = await startBrowserServer({
  service,
  rendererDir: path.join(resourcesDir(), '..', 'out', 'renderer')
})

const events: JobEvent[] = []
service.onEvent((e) => events.push(e))
const spec = AuditSpec.parse(await service.handle(Channels.DemoSpec, undefined))
const { jobId } = (await service.handle(Channels.StartAudit, spec)) as { jobId: string }
// Measure once training runs (the engine has started and sent its first progress).
while (!events.some((e) => e.kind === 'task-progress' || e.kind === 'epoch')) {
  if (events.some((e) => e.kind === 'failed'))
    throw new Error(`the audit failed: ${JSON.stringify(events.at(-1))}`)
  await new Promise((r) => setTimeout(r, 100))
}
const backend = events.find((e) => e.kind === 'started')
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
const roundTrips: number[] = []
const url = new URL(server.url)
const ping = () =>
  new Promise<void>((resolve) => {
    const started = performance.now()
    request(
      { host: url.hostname, port: url.port, path: '/no-such-page', headers: { host: url.host } },
      (res) => {
        res.resume()
        res.on('end', () => {
          roundTrips.push(performance.now() - started)
          resolve()
        })
      }
    )
      .on('error', () => resolve())
      .end()
  })
const until = performance.now() + seconds * 1000
while (performance.now() < until) {
  await ping()
  await new Promise((r) => setTimeout(r, 100))
}
delay.disable()
await service.handle(Channels.CancelJob, { jobId })
engine.dispose()
await server.close()

const ms = (ns: number) => (ns / 1e6).toFixed(1)
const sorted = [...roundTrips].sort((a, b) => a - b)
const pct = (p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1)
console.log(
  `bench:responsive — browser-mode server while the demo audit trains for ${seconds} s (engine: ${backend && 'backend' in backend ? backend.backend : '?'})`
)
console.log(
  `event-loop lag: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms (goal: p99 < 50 ms)`
)
console.log(
  `HTTP round trip (${sorted.length} requests): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`
)
process.exit(0)
