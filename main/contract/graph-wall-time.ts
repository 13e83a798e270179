/**
 * The wall time of a task graph on a pool of workers, by replaying the engine's own rule
 * (engine/tasks/run-task-graph.ts): whenever a worker is free, the ready task (every dependency
 * done) lowest in graph order starts; nothing waits for anything else. Plain numbers in and out, so
 * the study estimate (form and CLI) can say what a pool of N workers takes, not just total ÷ N:
 * a long task at the end of a seed, or a barrier (the evaluation waits for every training), leaves
 * a worker idle, and this counts it.
 */
export interface TimedTask {
  id: string
  seconds: number
  /** Ids of tasks earlier in the list. */
  deps: readonly string[]
}

export function graphWallTime(tasks: readonly TimedTask[], workers: number): number {
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`graphWallTime: workers must be a whole number ≥ 1 (got ${workers})`)
  const ends = new Map<string, number>()
  const pending = [...tasks]
  const running: { id: string; end: number }[] = []
  let now = 0
  for (;;) {
    for (let i = 0; i < pending.length && running.length < workers;) {
      const task = pending[i]
      const ready = task.deps.every((d) => (ends.get(d) ?? Infinity) <= now)
      if (!ready) {
        i++
        continue
      }
      pending.splice(i, 1)
      running.push({ id: task.id, end: now + Math.max(0, task.seconds) })
    }
    if (running.length === 0) break
    running.sort((a, b) => a.end - b.end)
    const next = running.shift()!
    now = next.end
    ends.set(next.id, now)
    // Tasks ending at the same moment free their workers together.
    while (running.length && running[0].end <= now) ends.set(running.shift()!.id, now)
  }
  if (pending.length)
    throw new Error(
      `graphWallTime: task "${pending[0].id}" waits for a task that is not in the graph or comes after it`
    )
  return now
}
