import { describe, expect, it } from 'vitest'
import type { AuditTask, TaskJob } from '../../../../main/engine/tasks/audit-task'
import { JobCancelledError } from '../../../../main/engine/jobs/job-errors'
import { checkGraph } from '../../../../main/engine/tasks/plan-audit'
import {
  runTaskGraph,
  type GraphEvent,
  type TaskExecutor,
  type TaskReport
} from '../../../../main/engine/tasks/run-task-graph'

const task = (id: string, deps: string[] = [], cost = 1): AuditTask => ({
  id,
  kind: 'fake',
  label: id,
  deps,
  seed: 0,
  cost,
  outputs: [],
  params: {}
})

/** Runs each task after a short delay; `fail` names tasks that reject. Records start order and peak concurrency. */
class FakeExecutor implements TaskExecutor {
  started: string[] = []
  peak = 0
  private live = 0
  private cancelled = false
  constructor(
    readonly capacity: number,
    private readonly fail: string[] = []
  ) {}
  async run(t: AuditTask, job: TaskJob, report: TaskReport): Promise<unknown> {
    this.started.push(t.id)
    report.worker(`w${this.live}`)
    this.peak = Math.max(this.peak, ++this.live)
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 2))
        if (this.cancelled) throw new Error('cancelled')
        report.event({ kind: 'task-progress', taskId: t.id, value: (i + 1) / 3, detail: '' })
      }
      if (this.fail.includes(t.id)) throw new Error(`${t.id} broke`)
      return { id: t.id, deps: Object.keys(job.deps) }
    } finally {
      this.live--
    }
  }
  cancel(): void {
    this.cancelled = true
  }
}

const job = { spec: {} as never, runId: 'r', resume: false }

describe('runTaskGraph', () => {
  it('runs a one-slot executor in graph order and hands each task its dependencies results', async () => {
    const tasks = [task('a'), task('b'), task('c', ['a']), task('d', ['b', 'c'])]
    const executor = new FakeExecutor(1)
    const events: GraphEvent[] = []
    const outcome = await runTaskGraph({ tasks, job, executor, emit: (e) => events.push(e) })
    expect(executor.started).toEqual(['a', 'b', 'c', 'd'])
    expect(outcome.results.get('d')).toEqual({ id: 'd', deps: ['b', 'c'] })
    expect(
      events.filter((e) => e.kind === 'task-done').map((e) => (e as { taskId: string }).taskId)
    ).toEqual(['a', 'b', 'c', 'd'])
    const last = events.filter((e) => e.kind === 'workers').at(-1) as Extract<
      GraphEvent,
      { kind: 'workers' }
    >
    expect(last.done).toBe(1)
    expect(last.etaSeconds).toBe(0)
  })

  it('keeps at most `capacity` tasks running, and a failure skips only its dependents', async () => {
    const tasks = [
      task('a'),
      task('b'),
      task('c'),
      task('a2', ['a']),
      task('b2', ['b']),
      task('b3', ['b2'])
    ]
    const executor = new FakeExecutor(2, ['b'])
    const outcome = await runTaskGraph({ tasks, job, executor, emit: () => {} })
    expect(executor.peak).toBe(2)
    expect(outcome.failures.map((f) => [f.task.id, f.message])).toEqual([['b', 'b broke']])
    expect(outcome.skipped.map((t) => t.id)).toEqual(['b2', 'b3'])
    expect([...outcome.results.keys()].sort()).toEqual(['a', 'a2', 'c'])
  })

  it('stops every running task on cancel and throws JobCancelledError', async () => {
    const controller = new AbortController()
    const executor = new FakeExecutor(2)
    const run = runTaskGraph({
      tasks: [task('a'), task('b'), task('c', ['a'])],
      job,
      executor,
      emit: () => {},
      signal: controller.signal
    })
    setTimeout(() => controller.abort(), 3)
    await expect(run).rejects.toBeInstanceOf(JobCancelledError)
    expect(executor.started).not.toContain('c')
  })

  it('refuses a graph whose dependency is not planned before its dependent', () => {
    expect(() => checkGraph([task('a', ['b']), task('b')])).toThrow(
      /task "a" depends on "b", which is not planned before it/
    )
    expect(() => checkGraph([task('a'), task('a')])).toThrow(/two tasks have the id "a"/)
  })
})
