// @vitest-environment jsdom
import type { JobEvent } from '@contract/job-events'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../../../../renderer/src/api/current-api'
import RunResumeButton from '../../../../../../renderer/src/components/run/RunResumeButton.vue'
import { useJobStore } from '../../../../../../renderer/src/stores/job'
import { useRunsStore } from '../../../../../../renderer/src/stores/runs'
import { createFakeApi, flush, type FakeApi } from '../../../fake-api'
import { loadRunRecordFixture } from '../../../run-record-fixture'

// Views left mounted would keep re-rendering on their timers and reactivate their own Pinia.
enableAutoUnmount(afterEach)

let fake: FakeApi

beforeEach(() => {
  fake = createFakeApi({
    runs: [{ id: 'cut', name: 'demo', status: 'cancelled', createdAt: '2025-01-01T00:00:00Z' }],
    records: { cut: { ...loadRunRecordFixture(), id: 'cut' } }
  })
  setApi(fake.api)
  setActivePinia(createPinia())
})

describe('RunResumeButton', () => {
  it.each(['cancelled', 'failed', 'interrupted'] as const)('is offered for a %s run', (status) => {
    expect(
      mount(RunResumeButton, { props: { runId: 'cut', status } })
        .find('[data-testid="resume-run"]')
        .exists()
    ).toBe(true)
  })

  it.each(['completed', 'running', 'unreadable'] as const)(
    'is not offered for a %s run',
    (status) => {
      expect(
        mount(RunResumeButton, { props: { runId: 'cut', status } })
          .find('[data-testid="resume-run"]')
          .exists()
      ).toBe(false)
    }
  )

  it('resumes the run and follows the new job live, leaving the run page for the progress panel', async () => {
    const job = useJobStore()
    const runs = useRunsStore()
    job.listen()
    await runs.select('cut')
    const wrapper = mount(RunResumeButton, { props: { runId: 'cut', status: 'cancelled' } })
    await wrapper.get('[data-testid="resume-run"]').trigger('click')
    await flush()
    expect(fake.calls.resume).toHaveBeenCalledWith('cut')
    expect(fake.calls.start).not.toHaveBeenCalled()
    expect(runs.selectedId).toBeNull()
    expect(job.job).toMatchObject({ jobId: 'job-cut-r1', runId: 'cut' })
    expect(job.active).toBe(true)
    const started: JobEvent = {
      jobId: 'job-cut-r1',
      kind: 'started',
      runId: 'cut',
      backend: 'cpu',
      tasks: [{ id: 'train-sur', kind: 'train', label: 'Train sur' }]
    }
    fake.emit(started)
    fake.emit({
      jobId: 'job-cut-r1',
      kind: 'task-progress',
      taskId: 'train-sur',
      value: 0.5,
      detail: 'resuming after epoch 1/2'
    })
    expect(job.job?.status).toBe('running')
    await wrapper.vm.$nextTick()
    // One audit at a time: the button waits while this job runs.
    expect(wrapper.get('[data-testid="resume-run"]').attributes('disabled')).toBeDefined()
    fake.emit({ jobId: 'job-cut-r1', kind: 'completed', runId: 'cut' })
    await flush()
    expect(runs.selectedId).toBe('cut')
  })

  it("shows the service's refusal in the job panel", async () => {
    fake = createFakeApi({
      resume: async () =>
        Promise.reject(new Error('Run "cut" is completed: there is nothing to resume.'))
    })
    setApi(fake.api)
    const job = useJobStore()
    await mount(RunResumeButton, { props: { runId: 'cut', status: 'failed' } })
      .get('[data-testid="resume-run"]')
      .trigger('click')
    await flush()
    expect(job.job?.status).toBe('failed')
    expect(job.job?.message).toBe(
      'Could not resume the run: Run "cut" is completed: there is nothing to resume.'
    )
  })
})
