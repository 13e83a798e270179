// @vitest-environment jsdom
import type { JobEvent } from '@contract/job-events'
import { describe, expect, it } from 'vitest'
import {
  reduceJobEvent,
  startingJob,
  type JobState
} from '../../../../../renderer/src/stores/job-state'

const metrics = (epoch: number, loss: number) => ({
  epoch,
  loss,
  trainAccuracy: 0.5 + epoch / 10,
  testAccuracy: 0.4 + epoch / 10,
  lr: 0.05,
  seconds: 1.5
})

const started: JobEvent = {
  jobId: 'job-1',
  kind: 'started',
  runId: 'run-1',
  backend: 'wasm',
  tasks: [
    { id: 'train-sur', kind: 'train', label: 'Train sur' },
    { id: 'attack', kind: 'attack', label: 'Attack' }
  ]
}

function reduceAll(events: JobEvent[], initial: JobState | null = null): JobState | null {
  return events.reduce<JobState | null>((state, event) => reduceJobEvent(state, event), initial)
}

describe('reduceJobEvent', () => {
  it('turns started → progress → epoch → done → completed into bars, curves and a completed status', () => {
    const state = reduceAll([
      started,
      {
        jobId: 'job-1',
        kind: 'task-progress',
        taskId: 'train-sur',
        value: 0.25,
        detail: 'epoch 1/4'
      },
      {
        jobId: 'job-1',
        kind: 'epoch',
        taskId: 'train-sur',
        model: 'sur',
        metrics: metrics(1, 0.9)
      },
      {
        jobId: 'job-1',
        kind: 'epoch',
        taskId: 'train-sur',
        model: 'sur',
        metrics: metrics(2, 0.6)
      },
      { jobId: 'job-1', kind: 'task-progress', taskId: 'attack', value: 0.5, detail: 'batch 5/10' },
      { jobId: 'job-1', kind: 'task-done', taskId: 'train-sur', seconds: 12.5 },
      { jobId: 'job-1', kind: 'completed', runId: 'run-1' }
    ])
    expect(state).not.toBeNull()
    expect(state!.status).toBe('completed')
    expect(state!.runId).toBe('run-1')
    expect(state!.backend).toBe('wasm')
    expect(state!.tasks.map((t) => [t.id, t.value, t.done, t.detail, t.seconds])).toEqual([
      ['train-sur', 1, true, 'epoch 1/4', 12.5],
      ['attack', 0.5, false, 'batch 5/10', null]
    ])
    expect(state!.curves.sur.map((m) => m.loss)).toEqual([0.9, 0.6])
  })

  it('returns a new object on every change so a shallowRef notices', () => {
    const a = reduceJobEvent(null, started)!
    const b = reduceJobEvent(a, {
      jobId: 'job-1',
      kind: 'task-progress',
      taskId: 'attack',
      value: 0.1,
      detail: ''
    })!
    expect(b).not.toBe(a)
    expect(b.tasks).not.toBe(a.tasks)
    expect(a.tasks[1].value).toBe(0)
  })

  it('clamps progress to 0–1 and ignores tasks the started event did not announce', () => {
    const state = reduceAll([
      started,
      { jobId: 'job-1', kind: 'task-progress', taskId: 'attack', value: 1.7, detail: '' },
      { jobId: 'job-1', kind: 'task-progress', taskId: 'train-sur', value: -3, detail: '' },
      { jobId: 'job-1', kind: 'task-progress', taskId: 'nope', value: 0.5, detail: '' }
    ])!
    expect(state.tasks.map((t) => t.value)).toEqual([0, 1])
  })

  it('keeps the failure message and the cancelled status', () => {
    const failed = reduceAll([
      started,
      { jobId: 'job-1', kind: 'failed', runId: 'run-1', message: 'out of memory' }
    ])!
    expect(failed.status).toBe('failed')
    expect(failed.message).toBe('out of memory')
    const cancelled = reduceAll([started, { jobId: 'job-1', kind: 'cancelled' }])!
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.runId).toBe('run-1')
  })

  it('ignores events of another job while one is watched, and adopts a new job once the old one finished', () => {
    const running = reduceAll([started])!
    const other: JobEvent = { ...started, jobId: 'job-2', runId: 'run-2' }
    expect(reduceJobEvent(running, other)).toBe(running)
    expect(reduceJobEvent(running, { jobId: 'job-2', kind: 'failed', message: 'not ours' })).toBe(
      running
    )
    const done = reduceJobEvent(running, { jobId: 'job-1', kind: 'completed', runId: 'run-1' })!
    expect(reduceJobEvent(done, other)!.jobId).toBe('job-2')
  })

  it('lets a started event fill in a job still waiting for its id', () => {
    const state = reduceJobEvent(startingJob(), started)!
    expect(state.jobId).toBe('job-1')
    expect(state.status).toBe('running')
    expect(state.tasks).toHaveLength(2)
  })
})
