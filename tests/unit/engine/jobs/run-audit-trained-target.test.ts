import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec, type AuditSpecInput } from '../../../../main/contract/audit-spec'
import type { JobEvent } from '../../../../main/contract/job-events'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { RunStore } from '../../../../main/engine/workspace/run-store'

let root: string
beforeAll(async () => {
  await initBackend()
  root = await mkdtemp(join(tmpdir(), 'flatline-ws-trained-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const recipe = { epochs: 1, batchSize: 50, lr: 0.05 }
const spec = (name: string, overrides: Partial<AuditSpecInput>): AuditSpec =>
  AuditSpec.parse({
    name,
    dataset: { trainLimit: 200, testLimit: 100 },
    surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe }],
    attack: { eps: 32 / 255, steps: 3, maxExamples: 30, repeats: 1 },
    ...overrides
  })

async function run(audit: AuditSpec): Promise<string> {
  const runId = new RunStore(root).newRunId(audit.name)
  const events: JobEvent[] = []
  await runAudit(audit, {
    jobId: 'job-1',
    runId,
    workspaceRoot: root,
    backend: 'test',
    appVersion: '0.0.0-test',
    signal: new AbortController().signal,
    emit: (e) => events.push(e)
  })
  expect(events.at(-1)).toMatchObject({ kind: 'completed' })
  return runId
}

describe('a model trained in one audit as a target of the next (format "flatline")', () => {
  it('is loaded from its run folder with the same hash and the same natural accuracy', async () => {
    const store = new RunStore(root)
    const first = await run(
      spec('train', { targets: [{ name: 'tcnn', arch: 'small-cnn', width: 4, seed: 2, recipe }] })
    )
    const trained = (await store.get(first)).results!.models.find((m) => m.name === 'tcnn')!
    const path = join(store.runDir(first), 'models', 'tcnn')
    // Trained for a moment, it may score near chance: accepted, so the audit runs with a warning.
    const second = await run(
      spec('reuse', {
        targets: [],
        importedTargets: [{ name: 'ours', format: 'flatline', path, acceptCheck: true }]
      })
    )
    const results = (await store.get(second)).results!
    const ours = results.models.find((m) => m.name === 'ours')!
    expect(ours).toMatchObject({
      role: 'target',
      arch: 'flatline',
      hash: trained.hash,
      params: trained.params,
      epochs: []
    })
    // Same weights, same test split: the accuracy the first run recorded.
    expect(ours.accuracy).toBeCloseTo(trained.accuracy, 10)
    expect(results.transfer.map((c) => `${c.surrogate}->${c.target}`)).toEqual(['sur->ours'])
  })
})
