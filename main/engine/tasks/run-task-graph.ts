/**
 * Runs a task graph on an executor (in this process, a pool of worker processes, or BullMQ): a task
 * starts once its dependencies have succeeded, lowest graph position first, and at most
 * `executor.capacity` at a time. A task that fails takes only its dependents with it; the others go
 * on, so one bad model leaves every other model trained and saved for a resume.
 *
 * Reports each task's progress, epochs and end as job events, and after every change the workers'
 * tasks with an ETA for the whole graph: elapsed time × work left ÷ work done, where work is each
 * task's `cost` (forward-backward passes) times its progress.
 */
import type { JobEvent } from '../../contract/job-events'
import { JobCancelledError } from '../jobs/job-errors'
import type { AuditTask, TaskEvent, TaskJob } from './audit-task'
import { EtaTracker } from './graph-eta'

export interface TaskExecutor {
  /** How many tasks it runs at once (Infinity: a queue that takes them all and hands them out). */
  readonly capacity: number
  /** Runs one task somewhere; resolves with its result, rejects with its error. */
  run(task: AuditTask, job: TaskJob, report: TaskReport): Promise<unknown>
  /** Stops every running task (each then rejects); nothing new starts after it. */
  cancel(): void
}

export interface TaskReport {
  event(event: TaskEvent): void
  /** The task landed on this worker (shown on the run page); `pid` when it is a process on this machine. */
  worker(name: string, pid?: number): void
}

type OwnEvent<E> = E extends unknown ? Omit<E, 'jobId'> : never
export type GraphEvent = OwnEvent<JobEvent>

export interface GraphRun {
  tasks: readonly AuditTask[]
  job: Omit<TaskJob, 'deps' | 'inputs'>
  executor: TaskExecutor
  emit(event: GraphEvent): void
  signal?: AbortSignal
}

export interface GraphOutcome {
  results: Map<string, unknown>
  failures: { task: AuditTask; message: string }[]
  /** Tasks not run because a dependency failed. */
  skipped: AuditTask[]
  seconds: Record<string, number>
}

export async function runTaskGraph(run: GraphRun): Promise<GraphOutcome> {
  const { tasks, executor, emit, signal } = run
  const results = new Map<string, unknown>()
  const failed = new Set<string>()
  const skippedIds = new Set<string>()
  const failures: GraphOutcome['failures'] = []
  const seconds: Record<string, number> = {}
  const pending = [...tasks]
  const byId = new Map(tasks.map((t) => [t.id, t]))
  const running = new Map<string, Promise<void>>()
  const eta = new EtaTracker(tasks, emit)

  const start = (task: AuditTask): Promise<void> => {
    const startedAt = performance.now()
    const deps = Object.fromEntries(task.deps.map((d) => [d, results.get(d)]))
    const inputs = task.deps.flatMap((d) => byId.get(d)?.outputs ?? [])
    const report: TaskReport = {
      event: (event) => {
        if (event.kind === 'task-progress') eta.progress(task.id, event.value)
        emit(event)
      },
      worker: (name, pid) => eta.assign(name, task.id, pid)
    }
    return executor.run(task, { ...run.job, deps, inputs }, report).then(
      (result) => {
        results.set(task.id, result)
        seconds[task.id] = (performance.now() - startedAt) / 1000
        eta.finish(task.id)
        emit({ kind: 'task-done', taskId: task.id, seconds: seconds[task.id] })
      },
      (error: unknown) => {
        eta.finish(task.id, false)
        if (signal?.aborted) return
        failed.add(task.id)
        failures.push({ task, message: error instanceof Error ? error.message : String(error) })
      }
    )
  }

  const onAbort = (): void => executor.cancel()
  signal?.addEventListener('abort', onAbort)
  try {
    for (;;) {
      if (!signal?.aborted) {
        // Drop tasks that can never run, then start ready ones in graph order while there is room.
        for (const task of [...pending])
          if (task.deps.some((d) => failed.has(d) || skippedIds.has(d))) {
            skippedIds.add(task.id)
            pending.splice(pending.indexOf(task), 1)
          }
        for (let i = 0; i < pending.length && running.size < executor.capacity;) {
          const task = pending[i]
          if (!task.deps.every((d) => results.has(d))) {
            i++
            continue
          }
          pending.splice(i, 1)
          const done = start(task).finally(() => running.delete(task.id))
          running.set(task.id, done)
        }
      }
      if (running.size === 0) break
      await Promise.race(running.values())
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    eta.stop()
  }
  if (signal?.aborted) throw new JobCancelledError()
  return { results, failures, skipped: tasks.filter((t) => skippedIds.has(t.id)), seconds }
}
