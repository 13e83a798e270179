/**
 * What each worker is doing and when the whole graph should end, for the run page and the CLI.
 *
 * Work is each task's `cost` (forward-backward passes, time-estimate.ts) times its progress. The ETA
 * is work left ÷ the rate since the graph warmed up (`secondsLeft`), so it reflects how many workers
 * share the graph and how fast this machine is, without the startup that comes once. Sent at most
 * once a second, and whenever a worker takes or ends a task.
 */
import type { AuditTask } from './audit-task'
import type { GraphEvent } from './run-task-graph'

const EMIT_EVERY_MS = 1000
/** Below this share of the graph's work done since warm-up, the rate says little: no ETA yet. */
const MIN_WORK = 0.01
/** Nor before this many seconds of it: one fast batch is not a rate. */
const MIN_SECONDS = 3

/** The graph's progress at one moment: seconds since it started, and the fraction of its work done (0–1). */
export interface ProgressPoint {
  seconds: number
  done: number
}

/**
 * Seconds left, or null while the rate is not known. The rate is measured from `warm`, the first
 * moment a task reported work done, not from the start: the seconds before it are startup paid once
 * (worker processes, backend and dataset loading, first-call kernel compilation, the first batch),
 * and spreading them over the whole graph made early ETAs several times too long.
 */
export function secondsLeft(now: ProgressPoint, warm: ProgressPoint | null): number | null {
  if (now.done >= 1) return 0
  if (!warm) return null
  const work = now.done - warm.done
  const seconds = now.seconds - warm.seconds
  if (work < MIN_WORK || seconds < MIN_SECONDS) return null
  return (seconds * (1 - now.done)) / work
}

export class EtaTracker {
  private readonly weight = new Map<string, number>()
  private readonly done = new Map<string, number>()
  private readonly workers = new Map<string, { taskId: string | null; pid?: number }>()
  private readonly started: number
  /** When work was first reported (`secondsLeft`); null until then. */
  private warm: ProgressPoint | null = null
  private lastEmit = 0

  constructor(
    tasks: readonly AuditTask[],
    private readonly emit: (event: GraphEvent) => void,
    /** Milliseconds, monotonic; a test's clock replaces it. */
    private readonly clock: () => number = () => performance.now()
  ) {
    this.started = clock()
    // A task that costs "nothing" (evaluation) still counts a little, so its bar moves the total.
    const total = tasks.reduce((sum, t) => sum + t.cost, 0)
    const floor = total > 0 ? total / (100 * tasks.length) : 1
    for (const t of tasks) this.weight.set(t.id, Math.max(t.cost, floor))
  }

  assign(worker: string, taskId: string, pid?: number): void {
    // A task retried elsewhere (its worker died) leaves the worker it was on.
    for (const slot of this.workers.values()) if (slot.taskId === taskId) slot.taskId = null
    this.workers.set(worker, { taskId, ...(pid === undefined ? {} : { pid }) })
    this.send(true)
  }

  progress(taskId: string, value: number): void {
    this.done.set(taskId, Math.min(1, Math.max(0, value)))
    if (value > 0) this.markWarm()
    this.send(false)
  }

  finish(taskId: string): void {
    this.done.set(taskId, 1)
    this.markWarm()
    for (const slot of this.workers.values()) if (slot.taskId === taskId) slot.taskId = null
    this.send(true)
  }

  /** The fraction of the graph's work done (0–1). */
  fraction(): number {
    let all = 0
    let done = 0
    for (const [id, w] of this.weight) {
      all += w
      done += w * (this.done.get(id) ?? 0)
    }
    return all > 0 ? done / all : 0
  }

  /** The first work reported starts the rate's clock, with that work (and a resumed task's jump to its saved epoch) not counted in it. */
  private markWarm(): void {
    this.warm ??= { seconds: (this.clock() - this.started) / 1000, done: this.fraction() }
  }

  stop(): void {
    this.lastEmit = Infinity
  }

  private send(now: boolean): void {
    const t = this.clock()
    if (this.lastEmit === Infinity || (!now && t - this.lastEmit < EMIT_EVERY_MS)) return
    this.lastEmit = t
    const f = this.fraction()
    const etaSeconds = secondsLeft({ seconds: (t - this.started) / 1000, done: f }, this.warm)
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
