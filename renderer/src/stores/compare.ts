/**
 * The Compare view: two completed runs picked from the run list ("before" and "after"), their
 * comparison from the engine side (run-comparison.ts) or the reason they do not compare, and the
 * comparison report to download.
 */
import type { RunComparison } from '@contract/run-comparison'
import { defineStore, storeToRefs } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { useRunsStore } from './runs'

export const useCompareStore = defineStore('compare', () => {
  const runsStore = useRunsStore()
  const { runs } = storeToRefs(runsStore)
  const open = ref(false)
  const before = ref<string | null>(null)
  const after = ref<string | null>(null)
  const comparison = shallowRef<RunComparison | null>(null)
  const refusal = ref<string | null>(null)
  const loading = ref(false)
  let token = 0

  /** Completed runs, newest first: the only ones with results to compare. */
  const candidates = computed(() => runs.value.filter((r) => r.status === 'completed'))

  /** Opens the view; the two newest completed runs are preselected (older as "before"). */
  function openView(): void {
    open.value = true
    runsStore.clearSelection()
    const [newest, older] = candidates.value
    if (before.value === null && older) before.value = older.id
    if (after.value === null && newest) after.value = newest.id
    void load()
  }

  function close(): void {
    open.value = false
  }

  async function load(): Promise<void> {
    comparison.value = null
    refusal.value = null
    if (!before.value || !after.value) return
    const mine = ++token
    loading.value = true
    try {
      const result = await useApi().runs.compare(before.value, after.value)
      if (mine === token) comparison.value = result
    } catch (error) {
      if (mine === token) refusal.value = messageOf(error)
    } finally {
      if (mine === token) loading.value = false
    }
  }

  function choose(side: 'before' | 'after', id: string): void {
    ;(side === 'before' ? before : after).value = id
    void load()
  }

  /** The comparison report, saved by the browser as an HTML file. */
  async function downloadReport(): Promise<void> {
    if (!before.value || !after.value) return
    const { html } = await useApi().report.compareHtml(before.value, after.value)
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }))
    const link = document.createElement('a')
    link.href = url
    link.download = `compare-${before.value}-${after.value}.html`
    link.click()
    URL.revokeObjectURL(url)
  }

  return {
    open,
    before,
    after,
    comparison,
    refusal,
    loading,
    candidates,
    openView,
    close,
    load,
    choose,
    downloadReport
  }
})
