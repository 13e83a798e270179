/**
 * A small audit whose every task kind crosses processes — trainings (SGD and SAM), an LGV collection,
 * evaluation, attacks exporting examples — and a runner that audits it on any execution settings,
 * for the pool and Redis tests to compare against the serial run.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditSpec } from '../../../main/contract/audit-spec'
import type { ExecutionSettings } from '../../../main/contract/execution'
import type { JobEvent } from '../../../main/contract/job-events'
import type { RunRecord } from '../../../main/contract/run-record'
import { runAudit } from '../../../main/engine/jobs/run-audit'
import { RunStore } from '../../../main/engine/workspace/run-store'
import { runFolderDigest } from './run-digest'

const recipe = { epochs: 2, batchSize: 50, lr: 0.05 }

export const spreadSpec = AuditSpec.parse({
  name: 'spread',
  seed: 3,
  dataset: { trainLimit: 300, testLimit: 100 },
  surrogates: [
    { name: 's1', arch: 'small-cnn', width: 4, seed: 11, recipe },
    {
      name: 's2',
      arch: 'small-cnn',
      width: 4,
      seed: 12,
      recipe: { ...recipe, minimizer: { id: 'sam', rho: 0.1 } }
    }
  ],
  targets: [{ name: 't', arch: 'small-resnet', width: 4, seed: 22, recipe }],
  attacks: [
    { eps: 0.1, steps: 3, maxExamples: 30, exportExamples: true },
    {
      eps: 0.1,
      steps: 3,
      maxExamples: 30,
      stack: { lgv: { collect: { epochs: 1, perEpoch: 2, batchSize: 100 } } }
    }
  ]
})

export interface SpreadRun {
  record?: RunRecord
  /** Why the audit threw, so a failed run's assertion names the cause instead of `undefined`. */
  error?: string
  events: JobEvent[]
  runDir: string
  root: string
  digest(): Promise<Record<string, string>>
}

export async function auditSpread(
  execution: ExecutionSettings,
  hooks: { onEvent?: (e: JobEvent) => void; signal?: AbortSignal; appVersion?: string } = {}
): Promise<SpreadRun> {
  const root = await mkdtemp(join(tmpdir(), 'flatline-spread-'))
  const store = new RunStore(root)
  const runId = store.newRunId(spreadSpec.name)
  const events: JobEvent[] = []
  let error: string | undefined
  const record = await runAudit(spreadSpec, {
    jobId: 'j',
    runId,
    workspaceRoot: root,
    backend: 'test',
    appVersion: hooks.appVersion ?? '0.1.0',
    signal: hooks.signal,
    execution,
    emit: (e) => {
      events.push(e)
      hooks.onEvent?.(e)
    }
  }).catch((e: unknown) => {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    return undefined
  })
  const runDir = store.runDir(runId)
  return { record, error, events, runDir, root, digest: () => runFolderDigest(runDir) }
}
