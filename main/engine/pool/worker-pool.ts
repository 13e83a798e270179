/**
 * A local pool of engine worker processes (issue 13): `workers` Node processes, each running one
 * task at a time (task-worker-main.ts), so independent trainings and attacks use every core.
 *
 * A worker that dies (killed, out of memory, a native crash) fails only its own task: the pool
 * starts a fresh process and retries that task once, resuming from its last checkpoint; a second
 * death fails the task with the exit reason. Cancel aborts every running task within one batch;
 * a worker that does not stop within `CANCEL_GRACE_MS` is killed. `close` stops every process.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { JobCancelledError } from '../jobs/job-errors'
import type { AuditTask, TaskJob } from '../tasks/audit-task'
import type { TaskExecutor, TaskReport } from '../tasks/run-task-graph'
import { TASK_WORKER_FLAG, type FromWorker, type ToWorker } from './worker-messages'

const CANCEL_GRACE_MS = 10_000

// A path join, not `new URL(…, import.meta.url)`: bundlers would take that for an asset to emit.
let workerEntry = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'engine-host',
  'engine-process.ts'
)

/** The bundled app's engine process names its own file here (the .ts path above only exists in a checkout). */
export function setTaskWorkerEntry(path: string): void {
  workerEntry = path
}

export interface WorkerPoolOptions {
  workers: number
  /** Threads per worker, handed to it as FLATLINE_THREADS (pool-size.ts). */
  threads: number
  workspaceRoot: string
  /** Retries of a task whose worker process died; 1 by default. */
  retries?: number
  env?: NodeJS.ProcessEnv
}

export class WorkerDiedError extends Error {}

export class WorkerPool implements TaskExecutor {
  readonly capacity: number
  private readonly workers: PoolWorker[]
  private cancelled = false

  constructor(private readonly options: WorkerPoolOptions) {
    this.capacity = options.workers
    const env: NodeJS.ProcessEnv = {
      ...(options.env ?? process.env),
      FLATLINE_THREADS: String(options.threads)
    }
    // Under Electron the engine's own binary runs the workers, as plain Node.
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1'
    this.workers = Array.from(
      { length: options.workers },
      (_, i) => new PoolWorker(`worker ${i + 1}`, env)
    )
  }

  async run(task: AuditTask, job: TaskJob, report: TaskReport): Promise<unknown> {
    let retries = this.options.retries ?? 1
    for (;;) {
      if (this.cancelled) throw new JobCancelledError()
      const worker = this.workers.find((w) => !w.busy)
      if (!worker)
        throw new Error(
          `Error in WorkerPool.run: all ${this.capacity} workers are busy; runTaskGraph keeps at most capacity tasks running`
        )
      try {
        return await worker.run(
          { type: 'run', task, job, workspace: this.options.workspaceRoot },
          report
        )
      } catch (error) {
        if (!(error instanceof WorkerDiedError) || retries === 0 || this.cancelled) throw error
        retries--
        report.event({
          kind: 'task-progress',
          taskId: task.id,
          value: 0,
          detail: `${error.message}; retrying on a fresh worker`
        })
        // The retry continues from the dead worker's last checkpoint rather than from scratch.
        job = { ...job, resume: true }
      }
    }
  }

  cancel(): void {
    this.cancelled = true
    for (const w of this.workers) w.cancel()
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()))
  }

  /** Process ids of the running workers (tests kill one to check the retry). */
  pids(): number[] {
    return this.workers.flatMap((w) => (w.pid === undefined ? [] : [w.pid]))
  }
}

/** One worker process, started on first use and again after it dies. */
class PoolWorker {
  busy = false
  private child?: ChildProcess
  private ready?: Promise<void>
  private killTimer?: NodeJS.Timeout

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv
  ) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  async run(message: Extract<ToWorker, { type: 'run' }>, report: TaskReport): Promise<unknown> {
    this.busy = true
    try {
      const child = await this.start()
      report.worker(this.name, child.pid)
      return await new Promise((resolve, reject) => {
        const onMessage = (m: FromWorker): void => {
          if (m.type === 'event') report.event(m.event)
          else if (m.type === 'done') settle(() => resolve(m.result))
          else if (m.type === 'error')
            settle(() => reject(m.cancelled ? new JobCancelledError() : new Error(m.message)))
        }
        const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
          settle(() =>
            reject(
              new WorkerDiedError(
                `${this.name} stopped (${signal ?? `exit code ${code}`}) while running "${message.task.label}"`
              )
            )
          )
        const settle = (end: () => void): void => {
          child.off('message', onMessage)
          child.off('exit', onExit)
          end()
        }
        child.on('message', onMessage)
        child.once('exit', onExit)
        child.send(message)
      })
    } finally {
      this.busy = false
      clearTimeout(this.killTimer)
    }
  }

  cancel(): void {
    if (!this.busy || !this.child) return
    this.child.send({ type: 'cancel' } satisfies ToWorker)
    const child = this.child
    this.killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS)
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }

  private start(): Promise<ChildProcess> {
    if (this.child && this.ready) return this.ready.then(() => this.child!)
    const child = fork(workerEntry, [TASK_WORKER_FLAG], {
      execArgv: workerEntry.endsWith('.ts') ? ['--import', 'tsx'] : [],
      env: this.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.child = child
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker): void => {
        if (m.type !== 'ready') return
        child.off('message', onMessage)
        resolve()
      }
      child.on('message', onMessage)
      child.once('exit', (code, signal) =>
        reject(
          new WorkerDiedError(
            `${this.name} stopped (${signal ?? `exit code ${code}`}) before it was ready`
          )
        )
      )
    })
    child.once('exit', () => {
      if (this.child === child) this.child = undefined
    })
    this.ready.catch(() => undefined)
    return this.ready.then(() => child)
  }
}
