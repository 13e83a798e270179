/**
 * `npm run bench:eta -- [--spec examples/demo-audit.json] [--workers N]`: how close the audit's ETA
 * (graph-eta.ts) is to the time actually left. Runs the audit once, records every `workers` event
 * with its time, and prints, at a few points of the run, the ETA the engine sent, the formula used
 * before it (elapsed × work left ÷ work done, from the graph's start) and the time that was left;
 * then each task's cost (the passes the ETA weighs it by) against its seconds. Not a speed figure:
 * a loaded machine shifts all three columns alike.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appVersion } from '../main/cli/app-version'
import { readSpecFile } from '../main/cli/read-spec'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { runAudit } from '../main/engine/jobs/run-audit'
import { poolShape } from '../main/engine/pool/pool-size'
import { planAudit } from '../main/engine/tasks/plan-audit'
import { RunStore } from '../main/engine/workspace/run-store'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1])
const specPath = args.get('spec') ?? 'examples/demo-audit.json'
const workers = Number(args.get('workers') ?? poolShape({}).workers)

const spec = await readSpecFile(specPath)
await initBackend()
const root = await mkdtemp(join(tmpdir(), 'flatline-bench-eta-'))
const t0 = performance.now()
const seconds = (): number => (performance.now() - t0) / 1000
let graphStart = 0
const samples: { at: number; done: number; eta: number | null }[] = []
const record = await runAudit(spec, {
  jobId: 'bench-eta',
  runId: new RunStore(root).newRunId(spec.name),
  workspaceRoot: root,
  backend: backendDescription(),
  appVersion: appVersion(),
  execution: { workers },
  emit: (event) => {
    if (event.kind === 'started') graphStart = seconds()
    if (event.kind === 'workers')
      samples.push({ at: seconds(), done: event.done, eta: event.etaSeconds })
  }
})
const end = seconds()
const graph = end - graphStart
const lines = [
  `${specPath}: ${workers} worker${workers === 1 ? '' : 's'} on ${backendDescription()}, graph ${graph.toFixed(0)} s`,
  '',
  '| into the run | work done | time actually left | ETA sent | elapsed × left ÷ done |',
  '|---:|---:|---:|---:|---:|'
]
for (const share of [0.05, 0.1, 0.2, 0.3, 0.5, 0.7]) {
  const s = samples.find((x) => x.at - graphStart >= share * graph && x.eta !== null)
  if (!s) continue
  const elapsed = s.at - graphStart
  const before = (elapsed * (1 - s.done)) / s.done
  lines.push(
    `| ${elapsed.toFixed(0)} s | ${(s.done * 100).toFixed(1)} % | ${(end - s.at).toFixed(0)} s | ${s.eta!.toFixed(0)} s | ${before.toFixed(0)} s |`
  )
}
lines.push('', '| task | cost (passes) | seconds | passes per second |', '|---|---:|---:|---:|')
for (const task of planAudit(spec)) {
  const taken = record.timings[task.id]
  if (taken === undefined) continue
  const rate = task.cost > 0 ? (task.cost / taken).toFixed(0) : '—'
  lines.push(`| ${task.id} | ${task.cost} | ${taken.toFixed(1)} | ${rate} |`)
}
process.stdout.write(lines.join('\n') + '\n')
process.exit(0)
