/**
 * Audits spread over two BullMQ workers (`npm run worker` processes) on Debian's redis-server with a
 * password, each worker with its own workspace as on separate machines: models and results travel
 * through Redis only.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import type { WorkerSlot } from '../../../../main/contract/job-events'
import type { RunRecord } from '../../../../main/contract/run-record'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { JobCancelledError } from '../../../../main/engine/jobs/job-errors'
import { runTasksOnPool } from '../../../../main/engine/pool/run-tasks-on-pool'
import { QUEUE_VERSION_KEY } from '../../../../main/engine/queue/queue-keys'
import { planAudit } from '../../../../main/engine/tasks/plan-audit'
import { RunStore } from '../../../../main/engine/workspace/run-store'
import {
  exitCode,
  freePort,
  startRedis,
  startWorker,
  type TestRedis,
  type TestWorker
} from '../../helpers/redis-server'
import { resultsWithoutTimings } from '../../helpers/run-digest'
import { auditSpread, spreadSpec } from '../../helpers/spread-audit'

const PASSWORD = 'flatline-test-secret'
let redis: TestRedis
let workers: TestWorker[] = []
let local: { record?: RunRecord; digest: Record<string, string> }

const workspace = () => mkdtemp(join(tmpdir(), 'flatline-worker-'))
const busyNames = (events: { kind: string; workers?: WorkerSlot[] }[]) =>
  new Set(
    events.flatMap((e) =>
      e.kind === 'workers' ? e.workers!.filter((w) => w.taskId).map((w) => w.name) : []
    )
  )

beforeAll(async () => {
  redis = await startRedis(PASSWORD)
  const [w1, w2] = await Promise.all([workspace(), workspace()])
  const started = Promise.all([startWorker(redis.url, w1), startWorker(redis.url, w2)])
  await initBackend()
  const run = await auditSpread({ workers: 1 })
  local = { record: run.record, digest: await run.digest() }
  workers = await started
}, 180_000)

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()))
  await redis?.stop()
})

describe('an audit on two BullMQ workers through a password-protected Redis', () => {
  it('gives the local run results and files bit for bit, both workers taking tasks', async () => {
    const run = await auditSpread({ queue: redis.url })
    expect(run.error ?? run.record?.status).toBe('completed')
    expect(resultsWithoutTimings(run.record!)).toEqual(resultsWithoutTimings(local.record!))
    expect(await run.digest()).toEqual(local.digest)
    expect(busyNames(run.events).size).toBe(2)
  }, 180_000)

  it('retries on the other worker the task of a worker killed mid-task, and the audit completes with the same results', async () => {
    let killed: string | undefined
    let slots: WorkerSlot[] = []
    const run = await auditSpread(
      { queue: redis.url },
      {
        onEvent: (e) => {
          if (e.kind === 'workers') slots = e.workers
          if (!killed && e.kind === 'epoch' && e.model === 's2' && e.metrics.epoch === 1) {
            killed = slots.find((w) => w.taskId === 'train-s2')?.name
            process.kill(Number(killed!.split(':').at(-1)), 'SIGKILL')
          }
        }
      }
    )
    expect(killed).toBeDefined()
    expect(run.error ?? run.record?.status).toBe('completed')
    // The task restarted from scratch on the survivor: its epochs were reported twice.
    const trainedOn = run.events
      .filter((e) => e.kind === 'workers')
      .map(
        (e) => (e as { workers: WorkerSlot[] }).workers.find((w) => w.taskId === 'train-s2')?.name
      )
    expect(new Set(trainedOn.filter(Boolean)).size).toBe(2)
    expect(resultsWithoutTimings(run.record!)).toEqual(resultsWithoutTimings(local.record!))
    expect(await run.digest()).toEqual(local.digest)
    // Back to two workers for the next tests.
    const dead = workers.findIndex((w) => killed!.endsWith(`:${w.child.pid}`))
    workers[dead] = await startWorker(redis.url, await workspace())
  }, 180_000)

  it('fails only the tasks whose dataset is missing on the worker, naming the path; the other tasks complete', async () => {
    const root = await workspace()
    const missing = join(root, 'no-such-dataset')
    const broken = AuditSpec.parse({
      ...spreadSpec,
      dataset: { source: 'idx-folder', path: missing }
    })
    const trainings = (spec: AuditSpec) =>
      planAudit(spec).filter((t) => t.id === 'train-s1' || t.id === 'train-t')
    const options = { workspaceRoot: root, queue: redis.url, appVersion: '0.1.0' }
    const [bad, good] = await Promise.all([
      runTasksOnPool(
        trainings(broken),
        { spec: broken, runId: 'missing-data', resume: false },
        options
      ),
      runTasksOnPool(
        trainings(spreadSpec),
        { spec: spreadSpec, runId: 'has-data', resume: false },
        options
      )
    ])
    expect(bad.failures.map((f) => f.task.id).sort()).toEqual(['train-s1', 'train-t'])
    for (const f of bad.failures) expect(f.message).toContain(missing)
    expect([...good.results.keys()].sort()).toEqual(['train-s1', 'train-t'])
    expect(good.failures).toEqual([])
  }, 180_000)
})

describe('bad queue settings', () => {
  it('an unreachable Redis fails the audit naming the URL, before anything is enqueued or written', async () => {
    const port = await freePort()
    const run = await auditSpread({ queue: `redis://:${PASSWORD}@127.0.0.1:${port}` })
    expect(run.events.at(-1)).toMatchObject({
      kind: 'failed',
      message: expect.stringContaining(`cannot reach Redis at redis://:***@127.0.0.1:${port}`)
    })
    expect(await new RunStore(run.root).list()).toEqual([])
  }, 60_000)

  it('a wrong password is named as such, without printing it', async () => {
    const run = await auditSpread({ queue: `redis://:wrong-secret@127.0.0.1:${redis.port}` })
    const last = run.events.at(-1) as { kind: string; message: string }
    expect(last.kind).toBe('failed')
    expect(last.message).toMatch(
      new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the password`)
    )
    expect(last.message).not.toContain('wrong-secret')
  }, 60_000)

  it('a worker of another Flatline version than the queue is refused with both versions named', async () => {
    const client = new Redis(redis.url)
    await client.set(QUEUE_VERSION_KEY, '9.9.9')
    try {
      const refused = startWorker(redis.url, await workspace())
      await expect(refused).rejects.toThrow(
        /exited \(1\).*this worker runs Flatline 0\.1\.0, but the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is for Flatline 9\.9\.9/s
      )
    } finally {
      await client.set(QUEUE_VERSION_KEY, '0.1.0')
      client.disconnect()
    }
  }, 60_000)

  // Last: both workers stop here.
  it('running workers put back a task enqueued by another Flatline version and stop, naming both versions', async () => {
    const root = await workspace()
    const controller = new AbortController()
    const tasks = planAudit(spreadSpec).filter((t) => t.id === 'train-s1')
    const run = runTasksOnPool(
      tasks,
      { spec: spreadSpec, runId: 'newer', resume: false },
      { workspaceRoot: root, queue: redis.url, appVersion: '9.9.9', signal: controller.signal }
    )
    expect(await Promise.all(workers.map((w) => exitCode(w.child)))).toEqual([1, 1])
    const refusals = workers.map((w) => w.output()).join('\n')
    expect(refusals).toMatch(
      /this worker runs Flatline 0\.1\.0, but the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is for Flatline 9\.9\.9/
    )
    // A refused task is never started: the worker logs a task only after the version check.
    expect(refusals).not.toContain('(run newer)')
    controller.abort()
    await expect(run).rejects.toBeInstanceOf(JobCancelledError)
  }, 60_000)
})
