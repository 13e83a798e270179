/**
 * The audit job being watched: starts the demo or a spec from the form, resumes an unfinished run,
 * applies job events, cancels.
 */
import type { AuditSpecInput } from '@contract/audit-spec'
import type { JobEvent } from '@contract/job-events'
import { STUDY_JOB_PREFIX } from '@contract/study-record'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { isFinished, reduceJobEvent, startingJob, type JobState } from './job-state'
import { useRunsStore } from './runs'

export const useJobStore = defineStore('job', () => {
  // Event-derived and replaced on every event: a shallowRef avoids deep-proxying the epoch series.
  const job = shallowRef<JobState | null>(null)
  const cancelling = ref(false)
  const cancelError = ref<string | null>(null)

  const active = computed(() => job.value !== null && !isFinished(job.value.status))
  // Events that arrive while `audit.start` has not yet told us our job id; replayed once it has.
  let early: JobEvent[] = []

  /** Applies one job event; on a terminal event refreshes the run list and, on success, opens the run. */
  function apply(event: JobEvent): void {
    if (event.jobId.startsWith(STUDY_JOB_PREFIX)) return // a study's job: the study page watches it (stores/studies.ts)
    const before = job.value
    if (
      before !== null &&
      before.status === 'starting' &&
      before.jobId === '' &&
      event.kind !== 'started'
    ) {
      early.push(event)
      return
    }
    const after = reduceJobEvent(before, event)
    if (after === before) return
    job.value = after
    if (after === null) return
    const runs = useRunsStore()
    if (event.kind === 'started') void runs.refresh()
    if (isFinished(after.status) && (before === null || !isFinished(before.status))) {
      cancelling.value = false
      void runs.refresh()
      if (after.status === 'completed' && after.runId) void runs.select(after.runId)
    }
  }

  /** "Run demo audit": fetch the demo spec and start it. Failures show in the job panel. */
  function startDemo(): Promise<void> {
    return launch(
      async () => useApi().audit.start(await useApi().audit.demoSpec()),
      'Could not start the audit'
    )
  }

  /** Starts an audit from a spec built in the page (the New audit form). Failures show in the job panel. */
  function start(spec: AuditSpecInput): Promise<void> {
    return launch(() => useApi().audit.start(spec), 'Could not start the audit')
  }

  /** "Resume": continues a cancelled, failed or interrupted run from its last saved epoch, shown live like a new audit. */
  function resume(runId: string): Promise<void> {
    return launch(() => useApi().audit.resume(runId), 'Could not resume the run')
  }

  /** The one start path: show a starting job at once, then start (or resume) the job and adopt its ids. */
  async function launch(
    begin: () => Promise<{ jobId: string; runId: string }>,
    failure: string
  ): Promise<void> {
    if (active.value) return
    const runs = useRunsStore()
    runs.clearSelection()
    cancelling.value = false
    cancelError.value = null
    job.value = startingJob()
    early = []
    try {
      const started = await begin()
      const current = job.value
      // The `started` event may have beaten the response; only fill in what is still unknown.
      if (current && current.status === 'starting' && current.jobId === '') {
        job.value = { ...current, jobId: started.jobId, runId: started.runId }
        for (const event of early.splice(0)) apply(event)
      } else if (current && current.jobId === started.jobId && current.runId === null) {
        job.value = { ...current, runId: started.runId }
      }
      void runs.refresh()
    } catch (error) {
      const current = job.value
      job.value = {
        ...(current ?? startingJob()),
        status: 'failed',
        message: `${failure}: ${messageOf(error)}`
      }
    }
  }

  async function cancel(): Promise<void> {
    const current = job.value
    if (!current || isFinished(current.status) || current.jobId === '') return
    cancelling.value = true
    cancelError.value = null
    try {
      const answer = await useApi().audit.cancel(current.jobId)
      if (!answer.cancelled) {
        cancelling.value = false
        cancelError.value =
          'The engine did not accept the cancel request: the job may have just finished.'
      }
    } catch (error) {
      cancelling.value = false
      cancelError.value = `Could not cancel: ${messageOf(error)}`
    }
  }

  /** Subscribes to job events; returns the unsubscribe function. */
  function listen(): () => void {
    return useApi().audit.onEvent(apply)
  }

  return { job, active, cancelling, cancelError, apply, startDemo, start, resume, cancel, listen }
})
