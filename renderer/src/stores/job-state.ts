/**
 * Job state derived from job events, as a pure reducer so it can be tested without a UI.
 *
 * Every update returns a new object: the store keeps the state in a `shallowRef`, which only
 * notices replacement, and the epoch series can grow to hundreds of points per model.
 */
import {
  assertNever,
  type EpochMetrics,
  type JobEvent,
  type TaskKind,
  type WorkerSlot
} from '@contract/job-events'

export type JobStatus = 'starting' | 'running' | 'completed' | 'failed' | 'cancelled'

/** One progress bar. */
export interface TaskState {
  id: string
  kind: TaskKind
  label: string
  /** 0–1. */
  value: number
  detail: string
  done: boolean
  seconds: number | null
}

export interface JobState {
  /** Empty until `audit.start` answers (a `started` event may arrive first and fills it). */
  jobId: string
  runId: string | null
  backend: string | null
  status: JobStatus
  tasks: TaskState[]
  /** Per-model epoch metrics, in arrival order. */
  curves: Record<string, EpochMetrics[]>
  /** The failure message, for `failed`. */
  message: string | null
  /** What each worker process runs, the share of the audit done (0–1) and the seconds left (null: not known yet). */
  workers: WorkerSlot[]
  done: number
  etaSeconds: number | null
}

/** The state right after the user pressed "Run demo audit", before any event. */
export function startingJob(jobId = '', runId: string | null = null): JobState {
  return {
    jobId,
    runId,
    backend: null,
    status: 'starting',
    tasks: [],
    curves: {},
    message: null,
    workers: [],
    done: 0,
    etaSeconds: null
  }
}

export function isFinished(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled'
}

/**
 * Applies one event.
 *
 * A `started` event is adopted when no job is being watched (or the watched one has finished, or
 * is still waiting for its id); every other event only applies to the watched job's id, so a
 * second window's job cannot scribble over this one.
 */
export function reduceJobEvent(state: JobState | null, event: JobEvent): JobState | null {
  if (event.kind === 'started') {
    const adopt =
      state === null ||
      isFinished(state.status) ||
      state.jobId === event.jobId ||
      (state.status === 'starting' && state.jobId === '')
    if (!adopt) return state
    return {
      jobId: event.jobId,
      runId: event.runId,
      backend: event.backend,
      status: 'running',
      tasks: event.tasks.map((task) => ({
        ...task,
        value: 0,
        detail: '',
        done: false,
        seconds: null
      })),
      curves: {},
      message: null,
      workers: [],
      done: 0,
      etaSeconds: null
    }
  }
  if (state === null || state.jobId !== event.jobId) return state
  switch (event.kind) {
    case 'task-progress':
      return updateTask(state, event.taskId, (task) => ({
        ...task,
        value: clamp01(event.value),
        detail: event.detail
      }))
    case 'epoch': {
      const series = state.curves[event.model] ?? []
      return { ...state, curves: { ...state.curves, [event.model]: [...series, event.metrics] } }
    }
    case 'task-done':
      return updateTask(state, event.taskId, (task) => ({
        ...task,
        value: 1,
        done: true,
        seconds: event.seconds
      }))
    case 'workers':
      return {
        ...state,
        workers: event.workers,
        done: clamp01(event.done),
        etaSeconds: event.etaSeconds
      }
    case 'study-updated':
      return state // the study page reloads the study record (stores/study.ts)
    case 'completed':
      return {
        ...state,
        status: 'completed',
        runId: event.runId,
        workers: idle(state.workers),
        etaSeconds: null
      }
    case 'failed':
      return {
        ...state,
        status: 'failed',
        runId: event.runId ?? state.runId,
        message: event.message,
        workers: idle(state.workers),
        etaSeconds: null
      }
    case 'cancelled':
      return {
        ...state,
        status: 'cancelled',
        runId: event.runId ?? state.runId,
        workers: idle(state.workers),
        etaSeconds: null
      }
    default:
      return assertNever(event)
  }
}

function updateTask(
  state: JobState,
  taskId: string,
  update: (task: TaskState) => TaskState
): JobState {
  const index = state.tasks.findIndex((task) => task.id === taskId)
  // Progress for a task the `started` event did not announce has no bar to move.
  if (index < 0) return state
  const tasks = state.tasks.slice()
  tasks[index] = update(tasks[index])
  return { ...state, tasks }
}

function idle(workers: WorkerSlot[]): WorkerSlot[] {
  return workers.map((w) => ({ ...w, taskId: null }))
}

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0
  return Math.min(1, Math.max(0, value))
}
