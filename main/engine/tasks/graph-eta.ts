/**
 * What each worker is doing and when the whole graph should end, for the run page and the CLI.
 *
 * Work is each task's `cost` (forward-backward passes, time-estimate.ts) times its progress. The ETA
 * is work left ÷ (each worker's rate since it warmed up × the workers), see `secondsLeft`: it reflects
 * how many workers share the graph and how fast this machine is, without the startup each worker
 * pays once. Sent at most once a second, and whenever a worker takes or ends a task.
 */
import type { AuditTask } from './audit-task'
import type { GraphEvent } from './run-task-graph'

const EMIT_EVERY_MS = 1000
/** Below this share of the graph's work done by warm workers, the rate says little: no ETA yet. */
const MIN_WORK = 0.01
/** Nor before this many worker-seconds of it: one fast batch is not a rate. */
const MIN_SECONDS = 3

/** What the rate is measured on, at one moment. */
export interface RateSample {
  /** Fraction of the graph's work done (0–1). */
  done: number
  /** Of it, the work done by workers after their warm-up (their first report of work). */
  worked: number
  /** Seconds since warm-up, summed over the warm workers. */
  workerSeconds: number
  /** Workers the graph runs on (every one seen, warm or not yet). */
  workers: number
}

/**
 * Seconds left, or null while the rate is not known: work left ÷ (worked ÷ workerSeconds × workers).
 * Each worker's clock starts at its first report of work, not at the graph's start: the seconds
 * before it are startup paid once per worker (its process, backend and dataset loading, first-call
 * kernel compilation, the first batch), and counting them made early ETAs several times too long —
 * on a pool, a worker still starting up halved the rate. The work of that first report is left out
 * too, so a resumed task's jump to its saved epoch is not taken for speed.
 */
export function secondsLeft(sample: RateSample): number | null {
  if (sample.done >= 1) return 0
  if (sample.worked < MIN_WORK || sample.workerSeconds < MIN_SECONDS) return null
  const perWorker = sample.worked / sample.workerSeconds
  return (1 - sample.done) / (perWorker * Math.max(1, sample.workers))
}

export class EtaTracker {
  private readonly weight = new Map<string, number>()
  private readonly total: number
  private readonly done = new Map<string, number>()
  private readonly workers = new Map<string, { taskId: string | null; pid?: number }>()
  /** Each worker's warm-up time (ms on `clock`), from its first report of work. */
  private readonly warmSince = new Map<string, number>()
  /** Work (a fraction of the graph) reported by warm workers. */
  private worked = 0
  private lastEmit = 0

  constructor(
    tasks: readonly AuditTask[],
    private readonly emit: (event: GraphEvent) => void,
    /** Milliseconds, monotonic; a test's clock replaces it. */
    private readonly clock: () => number = () => performance.now()
  ) {
    // A task that costs "nothing" (evaluation) still counts a little, so its bar moves the total.
    const total = tasks.reduce((sum, t) => sum + t.cost, 0)
    const floor = total > 0 ? total / (100 * tasks.length) : 1
    for (const t of tasks) this.weight.set(t.id, Math.max(t.cost, floor))
    this.total = [...this.weight.values()].reduce((sum, w) => sum + w, 0)
  }

  assign(worker: string, taskId: string, pid?: number): void {
    // A task retried elsewhere (its worker died) leaves the worker it was on.
    for (const slot of this.workers.values()) if (slot.taskId === taskId) slot.taskId = null
    this.workers.set(worker, { taskId, ...(pid === undefined ? {} : { pid }) })
    this.send(true)
  }

  progress(taskId: string, value: number): void {
    this.advance(taskId, Math.min(1, Math.max(0, value)))
    this.send(false)
  }

  /** A task that ended; a failed one (`worked` false) leaves no work to do, but did not do it either. */
  finish(taskId: string, worked = true): void {
    if (worked) this.advance(taskId, 1)
    else this.done.set(taskId, 1)
    for (const slot of this.workers.values()) if (slot.taskId === taskId) slot.taskId = null
    this.send(true)
  }

  /** The fraction of the graph's work done (0–1). */
  fraction(): number {
    let done = 0
    for (const [id, w] of this.weight) done += w * (this.done.get(id) ?? 0)
    return this.total > 0 ? done / this.total : 0
  }

  stop(): void {
    this.lastEmit = Infinity
  }

  /** Records a task's progress and credits the work to its worker's rate once that worker is warm. */
  private advance(taskId: string, value: number): void {
    const gained = value - (this.done.get(taskId) ?? 0)
    this.done.set(taskId, value)
    if (gained <= 0 || this.total <= 0) return
    const worker =
      [...this.workers].find(([, slot]) => slot.taskId === taskId)?.[0] ?? '(unassigned)'
    if (this.warmSince.has(worker))
      this.worked += (gained * (this.weight.get(taskId) ?? 0)) / this.total
    else this.warmSince.set(worker, this.clock())
  }

  private send(now: boolean): void {
    const t = this.clock()
    if (this.lastEmit === Infinity || (!now && t - this.lastEmit < EMIT_EVERY_MS)) return
    this.lastEmit = t
    const f = this.fraction()
    let workerMs = 0
    for (const since of this.warmSince.values()) workerMs += t - since
    const etaSeconds = secondsLeft({
      done: f,
      worked: this.worked,
      workerSeconds: workerMs / 1000,
      workers: Math.max(this.workers.size, this.warmSince.size)
    })
    this.emit({
      kind: 'workers',
      workers: [...this.workers]
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([name, slot]) => ({ name, ...slot })),
      done: f,
      etaSeconds
    })
  }
}
