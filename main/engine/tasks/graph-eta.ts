/**
 * What each worker is doing and when the whole graph should end, for the run page and the CLI.
 *
 * Work is each task's `cost` (forward-backward passes, time-estimate.ts) times its progress; the ETA
 * is elapsed × work left ÷ work done, so it already reflects how many workers share the graph and how
 * fast this machine is. Sent at most once a second, and whenever a worker takes or ends a task.
 */
import type { AuditTask } from './audit-task'
import type { GraphEvent } from './run-task-graph'

const EMIT_EVERY_MS = 1000

export class EtaTracker {
  private readonly weight = new Map<string, number>()
  private readonly done = new Map<string, number>()
  private readonly workers = new Map<string, { taskId: string | null; pid?: number }>()
  private readonly started = performance.now()
  private lastEmit = 0

  constructor(
    tasks: readonly AuditTask[],
    private readonly emit: (event: GraphEvent) => void
  ) {
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
    this.send(false)
  }

  finish(taskId: string): void {
    this.done.set(taskId, 1)
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

  stop(): void {
    this.lastEmit = Infinity
  }

  private send(now: boolean): void {
    const t = performance.now()
    if (this.lastEmit === Infinity || (!now && t - this.lastEmit < EMIT_EVERY_MS)) return
    this.lastEmit = t
    const f = this.fraction()
    const elapsed = (t - this.started) / 1000
    // Below 1 % done the rate says little: no ETA yet.
    const etaSeconds = f >= 0.01 && f < 1 ? (elapsed * (1 - f)) / f : f >= 1 ? 0 : null
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
