/** Names Flatline uses in Redis: the BullMQ queue, the queue's version, the cancel channel and file blobs. */
export const TASK_QUEUE = 'flatline-tasks'
/** Flatline version of the last audit enqueued; a worker of another version refuses to start. */
export const QUEUE_VERSION_KEY = 'flatline:queue-version'
/** A run id published here cancels that run's tasks on every worker. */
export const CANCEL_CHANNEL = 'flatline:cancel'
/** Files travel as `flatline:blob:<sha256>`, kept two days. */
export const BLOB_PREFIX = 'flatline:blob:'
export const BLOB_TTL_SECONDS = 2 * 24 * 3600

/** A file of a run folder as it travels: its run-relative path and the sha256 of its bytes. */
export interface FileRef {
  path: string
  sha256: string
}

/** What a BullMQ job carries: one task, its job and the files it reads. */
export interface QueuedTask {
  version: string
  task: import('../tasks/audit-task').AuditTask
  job: import('../tasks/audit-task').TaskJob
  inputs: FileRef[]
}

/** What a BullMQ job returns: the task's result and the files it wrote. */
export interface QueuedResult {
  result: unknown
  files: FileRef[]
}
