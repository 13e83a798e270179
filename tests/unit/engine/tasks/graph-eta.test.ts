import { describe, expect, it } from 'vitest'
import type { AuditTask } from '../../../../main/engine/tasks/audit-task'
import { EtaTracker, secondsLeft } from '../../../../main/engine/tasks/graph-eta'
import type { GraphEvent } from '../../../../main/engine/tasks/run-task-graph'

const task = (id: string, cost: number): AuditTask => ({
  id,
  kind: 'fake',
  label: id,
  deps: [],
  seed: 0,
  cost,
  outputs: [],
  params: {}
})

type WorkersEvent = Extract<GraphEvent, { kind: 'workers' }>

/** A tracker on a clock the test moves (in seconds), and the last ETA it sent. */
function tracked(tasks: AuditTask[]) {
  let ms = 0
  const events: WorkersEvent[] = []
  const eta = new EtaTracker(
    tasks,
    (e) => events.push(e as WorkersEvent),
    () => ms
  )
  return {
    eta,
    at(seconds: number) {
      ms = seconds * 1000
    },
    last: () => events.at(-1)!.etaSeconds
  }
}

describe('secondsLeft', () => {
  it("is work left ÷ (each warm worker's rate × the workers)", () => {
    // Two workers warm for 10 s and 4 s did 7 % of the graph: 0.5 % per worker-second, 1 %/s for both.
    expect(secondsLeft({ done: 0.1, worked: 0.07, workerSeconds: 14, workers: 2 })).toBeCloseTo(
      90,
      6
    )
    expect(secondsLeft({ done: 0.1, worked: 0.07, workerSeconds: 14, workers: 1 })).toBeCloseTo(
      180,
      6
    )
  })

  it('gives no ETA on too little work or time since warm-up, and 0 once done', () => {
    const base = { done: 0.2, worked: 0.2, workerSeconds: 10, workers: 1 }
    expect(secondsLeft({ ...base, worked: 0.009 })).toBeNull()
    expect(secondsLeft({ ...base, workerSeconds: 2 })).toBeNull()
    expect(secondsLeft(base)).toBeCloseTo(40, 6)
    expect(secondsLeft({ ...base, done: 1, worked: 0 })).toBe(0)
  })
})

describe('EtaTracker', () => {
  it('leaves out the startup of each worker: an early ETA near the time actually left', () => {
    // Two equal tasks; worker 1 starts working at 10 s, worker 2 (a slower process start) at 20 s;
    // each then does 2 % of its task per second.
    const { eta, at, last } = tracked([task('a', 100), task('b', 100)])
    eta.assign('worker 1', 'a')
    eta.assign('worker 2', 'b')
    for (let s = 10; s <= 30; s++) {
      at(s)
      eta.progress('a', 0.02 * (s - 9))
      if (s >= 20) eta.progress('b', 0.02 * (s - 19))
    }
    // At 30 s, a is at 42 % and b at 22 %: b ends last, 39 s from now. The per-worker rate says
    // 36 s; one warm-up for the whole graph (worker 2's startup taken as work time) would say 46 s,
    // and elapsed × left ÷ done (the rate since the start, as before) 67 s.
    expect(last()).toBeGreaterThan(34)
    expect(last()).toBeLessThan(40)
  })

  it("does not count a resumed task's jump to its saved epoch, nor a failed task's remainder, as speed", () => {
    const { eta, at, last } = tracked([task('a', 100), task('b', 100)])
    eta.assign('worker 1', 'a')
    at(2)
    eta.progress('a', 0.5) // resumed at epoch 4 of 8: found done, not computed
    for (let s = 1; s <= 10; s++) {
      at(2 + s)
      eta.progress('a', 0.5 + 0.01 * s)
    }
    // 0.5 % of the graph per second since the jump, 70 % left: 140 s (with the jump counted: 28 s).
    expect(last()).toBeCloseTo(140, 0)
    // A task that fails at 20 % leaves nothing to do, but is not counted as 80 % done in no time.
    at(20)
    eta.assign('worker 2', 'b')
    eta.progress('b', 0.2)
    at(21)
    eta.finish('b', false)
    // a's 40 % left at 1 % a second, shared by two workers' rate: 40 s (crediting b's 80 %: 4 s).
    expect(last()).toBeCloseTo(40, 0)
    at(30)
    eta.finish('a')
    expect(last()).toBe(0)
  })
})
