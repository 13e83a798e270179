import { execFileSync } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import type { JobEvent, WorkerSlot } from '../../../../main/contract/job-events'
import type { RunRecord } from '../../../../main/contract/run-record'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { resumeAudit } from '../../../../main/engine/jobs/resume-run'
import { checkWorkerCount } from '../../../../main/engine/pool/pool-size'
import { runTasksOnPool } from '../../../../main/engine/pool/run-tasks-on-pool'
import { planAudit } from '../../../../main/engine/tasks/plan-audit'
import { RunStore } from '../../../../main/engine/workspace/run-store'
import { resultsWithoutTimings } from '../../helpers/run-digest'
import { auditSpread, spreadSpec } from '../../helpers/spread-audit'

/** Pids of this process's pool workers. */
function workerPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8'
  })
  return out
    .split('\n')
    .filter((l) => l.includes('--task-worker'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
}

const spec = spreadSpec
const audit = (workers: number, hooks?: Parameters<typeof auditSpread>[1]) =>
  auditSpread({ workers }, hooks)
let serial: { record?: RunRecord; digest: Record<string, string> }

beforeAll(async () => {
  await initBackend()
  const run = await audit(1)
  serial = { record: run.record, digest: await run.digest() }
  expect(run.error ?? run.record?.status).toBe('completed')
}, 120_000)

describe('an audit on a pool of two worker processes', () => {
  it('gives the serial run results and files bit for bit, with both workers busy', async () => {
    const run = await audit(2)
    expect(run.error ?? run.record?.status).toBe('completed')
    expect(resultsWithoutTimings(run.record!)).toEqual(resultsWithoutTimings(serial.record!))
    expect(await run.digest()).toEqual(serial.digest)
    const busy = new Set(
      run.events.flatMap((e) =>
        e.kind === 'workers' ? e.workers.filter((w) => w.taskId).map((w) => w.name) : []
      )
    )
    expect([...busy].sort()).toEqual(['worker 1', 'worker 2'])
    const last = run.events.filter((e) => e.kind === 'workers').at(-1)
    expect(last).toMatchObject({ done: 1, etaSeconds: 0 })
    expect(workerPids()).toEqual([])
  }, 120_000)

  it('retries the task of a worker killed mid-task on a fresh worker and still gives the serial results', async () => {
    let killed = 0
    let slots: WorkerSlot[] = []
    const run = await audit(2, {
      onEvent: (e) => {
        if (e.kind === 'workers') slots = e.workers
        if (killed === 0 && e.kind === 'epoch' && e.model === 's2' && e.metrics.epoch === 1) {
          killed = slots.find((w) => w.taskId === 'train-s2')?.pid ?? 0
          process.kill(killed, 'SIGKILL')
        }
      }
    })
    expect(killed).toBeGreaterThan(0)
    expect(
      run.events.some(
        (e) =>
          e.kind === 'task-progress' &&
          /stopped \(SIGKILL\) while running .*; retrying on a fresh worker/.test(e.detail)
      )
    ).toBe(true)
    expect(run.error ?? run.record?.status).toBe('completed')
    expect(resultsWithoutTimings(run.record!)).toEqual(resultsWithoutTimings(serial.record!))
    expect(await run.digest()).toEqual(serial.digest)
  }, 120_000)

  it('resumes a cancelled pool run on the pool, reusing its trained models, to the serial results', async () => {
    const controller = new AbortController()
    const cut = await audit(2, {
      signal: controller.signal,
      onEvent: (e) => e.kind === 'task-done' && controller.abort()
    })
    expect(cut.events.at(-1)?.kind).toBe('cancelled')
    const events: JobEvent[] = []
    const runId = (cut.events.find((e) => e.kind === 'started') as { runId: string }).runId
    const record = await resumeAudit({
      jobId: 'j2',
      runId,
      workspaceRoot: cut.root,
      backend: 'test',
      appVersion: '0.1.0',
      execution: { workers: 2 },
      emit: (e) => events.push(e)
    })
    expect(
      events.some(
        (e) =>
          e.kind === 'task-progress' && /already trained: reusing the saved model/.test(e.detail)
      )
    ).toBe(true)
    expect(record.resumed?.count).toBe(1)
    expect(resultsWithoutTimings(record)).toEqual(resultsWithoutTimings(serial.record!))
    const digest = await cut.digest()
    expect(Object.keys(digest).filter((k) => digest[k] !== serial.digest[k])).toEqual([])
  }, 120_000)

  it('cancel stops every worker and ends the run cancelled', async () => {
    const controller = new AbortController()
    const run = await audit(2, {
      signal: controller.signal,
      onEvent: (e) => e.kind === 'epoch' && controller.abort()
    })
    expect(run.events.at(-1)?.kind).toBe('cancelled')
    expect(workerPids()).toEqual([])
  }, 120_000)
})

describe('runTasksOnPool (the API studies use)', () => {
  it('fails only the task of a worker that dies when no retry is left; the other tasks complete', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-pool-api-'))
    const tasks = planAudit(spec).filter((t) => t.kind === 'train')
    let killed = false
    let slots: WorkerSlot[] = []
    const outcome = await runTasksOnPool(
      tasks,
      { spec, runId: 'study-1', resume: false },
      {
        workspaceRoot: root,
        workers: 2,
        retries: 0,
        onEvent: (e) => {
          if (e.kind === 'workers') slots = e.workers
          if (!killed && e.kind === 'epoch' && e.model === 't') {
            killed = true
            process.kill(slots.find((w) => w.taskId === 'train-t')!.pid!, 'SIGKILL')
          }
        }
      }
    )
    expect(outcome.failures.map((f) => f.task.id)).toEqual(['train-t'])
    expect(outcome.failures[0].message).toMatch(
      /^worker \d stopped \(SIGKILL\) while running "Train target t \(small-resnet\)"/
    )
    expect([...outcome.results.keys()].sort()).toEqual(['train-s1', 'train-s2'])
  }, 120_000)
})

describe('worker counts', () => {
  it('refuses 0 workers and more workers than the memory budget holds, saying what to use', async () => {
    expect(() => checkWorkerCount(0, 0)).toThrow(
      /workers must be a whole number of at least 1 \(got 0\)/
    )
    expect(() => checkWorkerCount(20, 100 * 2 ** 20, 8 * 2 ** 30)).toThrow(
      /20 workers need about 11\.7 GiB \(0\.6 GiB each for this dataset\), more than the memory budget of 6\.4 GiB \(80 % of this machine's 8\.0 GiB\): use at most 10 workers/
    )
    expect(() => AuditSpec.parse({ ...spec, workers: 0 })).toThrow(/workers must be at least 1/)
    const run = await audit(100_000)
    expect(run.events.at(-1)).toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/^100000 workers need about .* use at most \d+ workers$/)
    })
    expect(await new RunStore(run.root).list()).toEqual([])
  })
})
