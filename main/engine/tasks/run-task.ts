/**
 * Runs one task in this process, whichever process that is (the app's engine, a pool worker, a
 * BullMQ worker): looks its kind up, gives it a context on the local run folder and frees what it
 * loaded when it ends.
 */
import type { AuditTask, TaskEvent, TaskJob } from './audit-task'
import { taskKind } from './task-kinds'
import { RunStore } from '../workspace/run-store'

export interface TaskEnvironment {
  workspaceRoot: string
  signal?: AbortSignal
  emit(event: TaskEvent): void
}

export async function runTaskHere(
  task: AuditTask,
  job: TaskJob,
  env: TaskEnvironment
): Promise<unknown> {
  const definition = taskKind(task.kind)
  const cleanups: (() => unknown)[] = []
  try {
    return await definition.run(task, {
      job,
      runDir: new RunStore(env.workspaceRoot).runDir(job.runId),
      signal: env.signal,
      emit: env.emit,
      defer: (dispose) => cleanups.push(dispose)
    })
  } finally {
    for (const dispose of cleanups.reverse()) await dispose()
  }
}
