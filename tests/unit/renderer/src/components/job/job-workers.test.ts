// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import JobWorkers from '../../../../../../renderer/src/components/job/JobWorkers.vue'
import {
  reduceJobEvent,
  startingJob,
  type JobState
} from '../../../../../../renderer/src/stores/job-state'

function runningJob(): JobState {
  let state: JobState | null = startingJob('j')
  const tasks = [
    { id: 'train-a', kind: 'train' as const, label: 'Train surrogate a (small-cnn)' },
    { id: 'train-b', kind: 'train' as const, label: 'Train target b (small-cnn)' },
    { id: 'evaluate', kind: 'evaluate' as const, label: 'Natural accuracy of every model' }
  ]
  state = reduceJobEvent(state, { jobId: 'j', kind: 'started', runId: 'r', tasks, backend: 'wasm' })
  state = reduceJobEvent(state, {
    jobId: 'j',
    kind: 'task-progress',
    taskId: 'train-a',
    value: 0.4,
    detail: 'epoch 2/5'
  })
  state = reduceJobEvent(state, {
    jobId: 'j',
    kind: 'workers',
    workers: [
      { name: 'worker 1', taskId: 'train-a', pid: 4242 },
      { name: 'worker 2', taskId: null }
    ],
    done: 0.25,
    etaSeconds: 190
  })
  return state!
}

describe('JobWorkers', () => {
  it("shows each worker's task with its progress, idle workers, and the audit's share done with its ETA", () => {
    const wrapper = mount(JobWorkers, { props: { job: runningJob() } })
    const rows = wrapper.findAll('li').map((li) => li.text())
    expect(rows[0]).toMatch(/worker 1\s*Train surrogate a \(small-cnn\)\s*40 % · epoch 2\/5/)
    expect(rows[1]).toMatch(/worker 2\s*idle/)
    expect(wrapper.text()).toMatch(/2 workers · 25 % of the audit's work done/)
    expect(wrapper.get('[data-testid="job-eta"]').text()).toBe('≈ 3.2 min left')
  })

  it('leaves every worker idle once the audit ends', () => {
    const done = reduceJobEvent(runningJob(), { jobId: 'j', kind: 'completed', runId: 'r' })!
    expect(done.workers.every((w) => w.taskId === null)).toBe(true)
    expect(done.etaSeconds).toBeNull()
  })
})
