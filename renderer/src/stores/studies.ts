/**
 * Studies in the page: the list in the sidebar, the study shown (its record, reloaded whenever the
 * engine saves it — after every seed — so tables, figures and verdicts grow live), and the study job
 * running now, whose current seed's audit shows its task bars (the same reducer as the audit view).
 */
import type { JobEvent } from '@contract/job-events'
import { STUDY_JOB_PREFIX, type StudyRecord, type StudySummary } from '@contract/study-record'
import type { StudySpecInput } from '@contract/study-spec'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { isFinished, reduceJobEvent, startingJob, type JobState } from './job-state'

export const useStudiesStore = defineStore('studies', () => {
  const studies = ref<StudySummary[]>([])
  /** 'new': the New study form; 'study': the study `selectedId`; null: neither is shown. */
  const view = ref<'new' | 'study' | null>(null)
  const selectedId = ref<string | null>(null)
  const record = shallowRef<StudyRecord | null>(null)
  const error = ref<string | null>(null)
  /** The running study job: its id, its study and the current seed audit's progress. */
  const live = shallowRef<(JobState & { studyId: string | null }) | null>(null)
  const busy = ref(false)
  const running = computed(() => live.value !== null && !isFinished(live.value.status))

  async function refresh(): Promise<void> {
    try {
      studies.value = await useApi().study.list()
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  async function load(id: string): Promise<void> {
    try {
      const r = await useApi().study.get(id)
      if (selectedId.value === id) record.value = r
      error.value = null
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  function openNew(): void {
    view.value = 'new'
  }

  async function open(id: string): Promise<void> {
    view.value = 'study'
    if (selectedId.value !== id) record.value = null
    selectedId.value = id
    await load(id)
  }

  function close(): void {
    view.value = null
  }

  async function launch(begin: () => Promise<{ jobId: string; studyId: string }>): Promise<void> {
    busy.value = true
    error.value = null
    try {
      const { jobId, studyId } = await begin()
      // Its first events may have come before this answer: keep what they built.
      live.value =
        live.value?.jobId === jobId
          ? { ...live.value, studyId }
          : { ...startingJob(jobId), studyId }
      await refresh()
      await open(studyId)
    } catch (e) {
      error.value = messageOf(e)
    } finally {
      busy.value = false
    }
  }

  const start = (spec: StudySpecInput): Promise<void> => launch(() => useApi().study.start(spec))
  const resume = (id: string): Promise<void> => launch(() => useApi().study.resume(id))

  async function cancel(): Promise<void> {
    if (!live.value) return
    try {
      await useApi().audit.cancel(live.value.jobId)
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  async function exportPdf(): Promise<string | null> {
    if (!selectedId.value) return null
    try {
      const out = await useApi().study.exportPdf(selectedId.value)
      return out?.path ?? out?.url ?? null
    } catch (e) {
      error.value = messageOf(e)
      return null
    }
  }

  /** A study job's event: task bars of its current audit, and a reload of the record it saved. */
  function apply(event: JobEvent): void {
    if (!event.jobId.startsWith(STUDY_JOB_PREFIX)) return
    // A study started before this page loaded is adopted by its first event.
    const current =
      live.value && live.value.jobId === event.jobId
        ? live.value
        : live.value && !isFinished(live.value.status)
          ? null
          : { ...startingJob(event.jobId), studyId: null }
    if (!current) return
    const next = reduceJobEvent(current, event)
    if (event.kind === 'study-updated') {
      live.value = { ...(next ?? current), studyId: event.studyId }
      void refresh()
      if (selectedId.value === event.studyId) void load(event.studyId)
      return
    }
    if (next)
      live.value = {
        ...next,
        studyId: current.studyId ?? (isFinished(next.status) ? next.runId : null)
      }
    if (next && isFinished(next.status)) {
      void refresh()
      const id = live.value?.studyId
      if (id && selectedId.value === id) void load(id)
    }
  }

  function listen(): () => void {
    return useApi().audit.onEvent(apply)
  }

  return {
    studies,
    view,
    selectedId,
    record,
    error,
    live,
    busy,
    running,
    refresh,
    open,
    openNew,
    close,
    start,
    resume,
    cancel,
    exportPdf,
    listen,
    apply
  }
})
