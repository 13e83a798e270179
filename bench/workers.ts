/**
 * `npm run bench:workers -- --mode serial|pool|redis|all [--spec examples/recipes-audit.json] [--workers N]`:
 * the wall time of one audit run serially (one engine process, every core as threads), on the local
 * pool (one worker process per core by default) and on two BullMQ workers through Redis (this bench
 * starts Debian's redis-server on 127.0.0.1, a free port and a random password, and two
 * `npm run worker` processes of one thread each, and stops them at the end).
 *
 * Prints one row per mode: wall time, backend, and a digest of the results without timings — the
 * same digest on every row is the bit-for-bit check at this scale. Run it alone on the machine.
 * The Redis row counts from enqueueing (its workers are already running, as on workstations).
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSpecFile } from '../main/cli/read-spec'
import type { ExecutionSettings } from '../main/contract/execution'
import type { RunRecord } from '../main/contract/run-record'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { runAudit } from '../main/engine/jobs/run-audit'
import { poolShape } from '../main/engine/pool/pool-size'
import { RunStore } from '../main/engine/workspace/run-store'
import { startRedis, startWorker } from '../tests/unit/helpers/redis-server'
import { appVersion } from '../main/cli/app-version'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1])
const mode = args.get('mode') ?? 'all'
const specPath = args.get('spec') ?? 'examples/recipes-audit.json'
const workers = Number(args.get('workers') ?? poolShape({}).workers)
if (!['serial', 'pool', 'redis', 'all'].includes(mode))
  throw new Error(`--mode is serial, pool, redis or all, not "${mode}"`)

const spec = await readSpecFile(specPath)
await initBackend()
const rows: string[] = []
process.stderr.write(
  `${specPath} on ${backendDescription()}, ${availableParallelism()} cores, Flatline ${appVersion()}\n`
)

for (const m of mode === 'all' ? ['serial', 'pool', 'redis'] : [mode]) {
  if (m === 'serial') rows.push(await timed('serial (1 process)', { workers: 1 }))
  if (m === 'pool')
    rows.push(
      await timed(`pool (${workers} workers × ${poolShape({ workers }).threads} thread)`, {
        workers
      })
    )
  if (m === 'redis') {
    const redis = await startRedis(randomBytes(12).toString('hex'))
    const threads = {
      FLATLINE_THREADS: String(Math.max(1, Math.floor(availableParallelism() / 2)))
    }
    const started = await Promise.all(
      [1, 2].map(async () =>
        startWorker(redis.url, await mkdtemp(join(tmpdir(), 'bench-worker-')), 30, threads)
      )
    )
    try {
      rows.push(await timed('redis (2 BullMQ workers)', { queue: redis.url }))
    } finally {
      await Promise.all(started.map((w) => w.stop()))
      await redis.stop()
    }
  }
}
process.stdout.write(`\n| mode | wall time | results digest |\n|---|---|---|\n${rows.join('\n')}\n`)

async function timed(label: string, execution: ExecutionSettings): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'bench-workers-'))
  const runId = new RunStore(root).newRunId(spec.name)
  const t0 = performance.now()
  const record = await runAudit(spec, {
    jobId: 'bench',
    runId,
    workspaceRoot: root,
    backend: backendDescription(),
    appVersion: appVersion(),
    execution,
    emit: (e) => {
      if (e.kind === 'task-done')
        process.stderr.write(`  [${label}] ${e.taskId} ${e.seconds.toFixed(1)} s\n`)
      if (e.kind === 'failed') process.stderr.write(`  [${label}] failed: ${e.message}\n`)
    }
  })
  const seconds = (performance.now() - t0) / 1000
  return `| ${label} | ${seconds.toFixed(0)} s (${(seconds / 60).toFixed(1)} min) | ${digest(record)} |`
}

function digest(record: RunRecord): string {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => !/seconds$/i.test(k))
              .map(([k, x]) => [k, strip(x)])
          )
        : v
  return createHash('sha256')
    .update(JSON.stringify(strip(record.results)))
    .digest('hex')
    .slice(0, 16)
}
