/**
 * Past runs: the sidebar list and the run shown in the results view.
 */
import type { RunRecord, RunSummary } from '@contract/run-record'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'

/** Newest first; unparseable dates sort last so a broken run never hides the newest ones. */
export function sortNewestFirst(runs: readonly RunSummary[]): RunSummary[] {
  const time = (run: RunSummary): number => {
    const t = Date.parse(run.createdAt)
    return Number.isNaN(t) ? -Infinity : t
  }
  return [...runs].sort((a, b) => time(b) - time(a) || b.id.localeCompare(a.id))
}

export const useRunsStore = defineStore('runs', () => {
  const runs = shallowRef<RunSummary[]>([])
  const listError = ref<string | null>(null)
  const listing = ref(false)
  const selectedId = ref<string | null>(null)
  const record = shallowRef<RunRecord | null>(null)
  const loading = ref(false)
  const loadError = ref<string | null>(null)
  let loadToken = 0

  const selectedSummary = computed(
    () => runs.value.find((run) => run.id === selectedId.value) ?? null
  )

  async function refresh(): Promise<void> {
    listing.value = true
    try {
      runs.value = sortNewestFirst(await useApi().runs.list())
      listError.value = null
    } catch (error) {
      listError.value = `Could not list past runs: ${messageOf(error)}`
    } finally {
      listing.value = false
    }
  }

  /**
   * Shows run `runId`. Unreadable runs are not fetched: the list already says why they cannot be read.
   */
  async function select(runId: string): Promise<void> {
    const token = ++loadToken
    selectedId.value = runId
    loadError.value = null
    if (record.value?.id !== runId) record.value = null
    if (selectedSummary.value?.status === 'unreadable') return
    loading.value = true
    try {
      const loaded = await useApi().runs.get(runId)
      // A later click wins over a slow earlier load.
      if (token === loadToken) record.value = loaded
    } catch (error) {
      if (token === loadToken) loadError.value = `Could not load run ${runId}: ${messageOf(error)}`
    } finally {
      if (token === loadToken) loading.value = false
    }
  }

  function clearSelection(): void {
    loadToken++
    selectedId.value = null
    record.value = null
    loadError.value = null
    loading.value = false
  }

  return {
    runs,
    listError,
    listing,
    selectedId,
    selectedSummary,
    record,
    loading,
    loadError,
    refresh,
    select,
    clearSelection
  }
})
