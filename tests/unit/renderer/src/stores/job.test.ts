// @vitest-environment jsdom
import type { JobEvent } from '@contract/job-events'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApi } from '../../../../../renderer/src/api/current-api'
import JobProgressPanel from '../../../../../renderer/src/components/job/JobProgressPanel.vue'
import { useJobStore } from '../../../../../renderer/src/stores/job'
import { useRunsStore } from '../../../../../renderer/src/stores/runs'
import { loadRunRecordFixture } from '../../run-record-fixture'
import { createFakeApi, demoSpec, flush, type FakeApi } from '../../fake-api'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

const started: JobEvent = {
  jobId: 'job-1',
  kind: 'started',
  runId: 'run-1',
  backend: 'cpu',
  tasks: [
    { id: 'train-sur', kind: 'train', label: 'Train sur' },
    { id: 'attack', kind: 'attack', label: 'Attack' }
  ]
}

let fake: FakeApi

beforeEach(() => {
  const record = { ...loadRunRecordFixture(), id: 'run-1' }
  fake = createFakeApi({
    runs: [{ id: 'run-1', name: 'demo', status: 'running', createdAt: '2025-01-01T00:00:00Z' }],
    records: { 'run-1': record }
  })
  setApi(fake.api)
  setActivePinia(createPinia())
})

describe('useJobStore', () => {
  it('starts the demo spec and follows its events until the run is loaded', async () => {
    const job = useJobStore()
    const unsubscribe = job.listen()
    await job.startDemo()
    expect(fake.calls.start).toHaveBeenCalledWith(demoSpec)
    expect(job.job?.jobId).toBe('job-1')
    expect(job.job?.status).toBe('starting')
    expect(job.active).toBe(true)

    fake.emit(started)
    fake.emit({
      jobId: 'job-1',
      kind: 'task-progress',
      taskId: 'train-sur',
      value: 0.5,
      detail: 'epoch 1/2'
    })
    fake.emit({
      jobId: 'job-1',
      kind: 'epoch',
      taskId: 'train-sur',
      model: 'sur',
      metrics: { epoch: 1, loss: 1.2, trainAccuracy: 0.6, testAccuracy: 0.55, lr: 0.05, seconds: 2 }
    })
    fake.emit({ jobId: 'job-1', kind: 'task-done', taskId: 'train-sur', seconds: 4 })
    expect(job.job?.tasks[0]).toMatchObject({ value: 1, done: true, detail: 'epoch 1/2' })
    expect(job.job?.curves.sur).toHaveLength(1)

    fake.emit({ jobId: 'job-1', kind: 'completed', runId: 'run-1' })
    await flush()
    expect(job.job?.status).toBe('completed')
    expect(job.active).toBe(false)
    const runs = useRunsStore()
    expect(fake.calls.get).toHaveBeenCalledWith('run-1')
    expect(runs.selectedId).toBe('run-1')
    expect(runs.record?.results?.transfer.length).toBeGreaterThan(0)
    unsubscribe()
    expect(fake.listenerCount()).toBe(0)
  })

  it('replays events that arrive before audit.start answers with the job id', async () => {
    let answer: (value: { jobId: string; runId: string }) => void = () => {}
    fake = createFakeApi({ start: () => new Promise((resolve) => (answer = resolve)) })
    setApi(fake.api)
    const job = useJobStore()
    job.listen()
    const starting = job.startDemo()
    await flush()
    fake.emit({ jobId: 'job-9', kind: 'failed', message: 'dataset missing' })
    expect(job.job?.status).toBe('starting')
    answer({ jobId: 'job-9', runId: 'run-9' })
    await starting
    expect(job.job?.status).toBe('failed')
    expect(job.job?.message).toBe('dataset missing')
  })

  it('start(spec) sends the given spec without fetching the demo, and ignores a second start while active', async () => {
    const demoSpy = vi.spyOn(fake.api.audit, 'demoSpec')
    const job = useJobStore()
    const custom = { ...demoSpec, name: 'from the form' }
    await job.start(custom)
    expect(demoSpy).not.toHaveBeenCalled()
    expect(fake.calls.start).toHaveBeenCalledWith(custom)
    expect(job.job).toMatchObject({ jobId: 'job-1', runId: 'run-1', status: 'starting' })
    await job.start({ ...demoSpec, name: 'again' })
    expect(fake.calls.start).toHaveBeenCalledTimes(1)
  })

  it('shows a failed start as a failed job with the reason', async () => {
    fake = createFakeApi({
      start: () => Promise.reject(new Error('attack.eps: eps must be in (0, 1]'))
    })
    setApi(fake.api)
    const job = useJobStore()
    await job.startDemo()
    expect(job.job?.status).toBe('failed')
    expect(job.job?.message).toContain('attack.eps: eps must be in (0, 1]')
  })

  it('sends cancel for the watched job id', async () => {
    const job = useJobStore()
    job.listen()
    await job.startDemo()
    fake.emit(started)
    await job.cancel()
    expect(fake.calls.cancel).toHaveBeenCalledWith('job-1')
    expect(job.cancelling).toBe(true)
    fake.emit({ jobId: 'job-1', kind: 'cancelled', runId: 'run-1' })
    expect(job.job?.status).toBe('cancelled')
    expect(job.cancelling).toBe(false)
  })
})

describe('JobProgressPanel', () => {
  it('renders one progress bar per task with its value', async () => {
    const job = useJobStore()
    job.listen()
    await job.startDemo()
    fake.emit(started)
    fake.emit({
      jobId: 'job-1',
      kind: 'task-progress',
      taskId: 'attack',
      value: 0.42,
      detail: 'batch 3/7'
    })
    const wrapper = mount(JobProgressPanel)
    const bar = wrapper.get('[data-testid="task-attack"]')
    expect(bar.attributes('role')).toBe('progressbar')
    expect(bar.attributes('aria-valuenow')).toBe('42')
    expect(wrapper.get('[data-testid="task-train-sur"]').attributes('aria-valuenow')).toBe('0')
    expect(wrapper.text()).toContain('batch 3/7')
    expect(wrapper.find('[data-testid="cancel-job"]').exists()).toBe(true)
  })

  it('shows the failure message prominently and hides Cancel', async () => {
    const job = useJobStore()
    job.listen()
    await job.startDemo()
    fake.emit(started)
    fake.emit({
      jobId: 'job-1',
      kind: 'failed',
      runId: 'run-1',
      message: 'engine crashed: out of memory'
    })
    const wrapper = mount(JobProgressPanel)
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toContain('The audit failed.')
    expect(alert.text()).toContain('engine crashed: out of memory')
    expect(wrapper.find('[data-testid="cancel-job"]').exists()).toBe(false)
  })

  it('says so when the audit was cancelled', async () => {
    const job = useJobStore()
    job.listen()
    await job.startDemo()
    fake.emit(started)
    fake.emit({ jobId: 'job-1', kind: 'cancelled', runId: 'run-1' })
    const wrapper = mount(JobProgressPanel)
    expect(wrapper.text()).toContain('The audit was cancelled')
  })
})
