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

/** A tracker on a clock the test moves, and the ETAs it sent. */
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
  it('measures the rate from the warm-up point, so startup is not extrapolated over the whole graph', () => {
    // 30 s of startup with nothing done, then 5 % of the work in 10 s: 0.5 %/s, 190 s left at 5.2 %.
    const left = secondsLeft({ seconds: 40, done: 0.052 }, { seconds: 30, done: 0.002 })
    expect(left).toBeCloseTo(189.6, 6)
    // Elapsed × left ÷ done (the rate since the start, as before) says 729 s: 3.8 times too long.
    expect((40 * (1 - 0.052)) / 0.052).toBeGreaterThan(3.5 * left!)
  })

  it('gives no ETA before any work, nor on too little work or time since, and 0 once done', () => {
    expect(secondsLeft({ seconds: 50, done: 0 }, null)).toBeNull()
    expect(secondsLeft({ seconds: 50, done: 0.009 }, { seconds: 10, done: 0 })).toBeNull()
    expect(secondsLeft({ seconds: 12, done: 0.2 }, { seconds: 10, done: 0 })).toBeNull()
    expect(secondsLeft({ seconds: 13, done: 0.2 }, { seconds: 10, done: 0 })).toBeCloseTo(12, 6)
    expect(secondsLeft({ seconds: 50, done: 1 }, null)).toBe(0)
  })
})

describe('EtaTracker', () => {
  it('sends an early ETA near the true time left after a long silent startup', () => {
    // Two tasks of equal cost on two workers; 20 s of startup, then each does 2 % of itself per second.
    const { eta, at, last } = tracked([task('a', 100), task('b', 100)])
    eta.assign('worker 1', 'a')
    eta.assign('worker 2', 'b')
    expect(last()).toBeNull()
    for (let s = 1; s <= 10; s++) {
      at(20 + s)
      eta.progress('a', 0.02 * s)
      eta.progress('b', 0.02 * s)
    }
    // About 20 % done after 30 s: the rest takes 40 s at this rate. (The last ETA sent came between
    // the two workers' reports: 40.5 s. Elapsed × left ÷ done said 128 s.)
    expect(last()).toBeGreaterThan(38)
    expect(last()).toBeLessThan(42)
  })

  it("does not count a resumed task's jump to its saved epoch as speed", () => {
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
    at(20)
    eta.finish('a')
    eta.finish('b')
    expect(last()).toBe(0)
  })
})
