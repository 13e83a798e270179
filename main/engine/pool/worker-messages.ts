/** Messages between a worker pool and one of its engine worker processes (Node IPC, JSON). */
import type { AuditTask, TaskEvent, TaskJob } from '../tasks/audit-task'

export type ToWorker =
  { type: 'run'; task: AuditTask; job: TaskJob; workspace: string } | { type: 'cancel' }

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'event'; event: TaskEvent }
  | { type: 'done'; result: unknown }
  | { type: 'error'; message: string; cancelled: boolean }

/** The argument that makes engine-process.ts a pool worker instead of the app's engine. */
export const TASK_WORKER_FLAG = '--task-worker'
