/**
 * App-wide state: what the header shows and whether the page can still reach the engine.
 */
import type { AppInfo } from '@contract/api'
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useApi } from '../api/current-api'

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const infoError = ref<string | null>(null)
  /** Set when the transport is gone (browser mode's socket closed); shown as a banner. */
  const connectionLost = ref<string | null>(null)
  /** Set when the page could not build an api at all; nothing else can work. */
  const fatal = ref<string | null>(null)

  async function loadInfo(): Promise<void> {
    try {
      info.value = await useApi().app.info()
      infoError.value = null
    } catch (error) {
      infoError.value = messageOf(error)
    }
  }

  function reportConnectionLost(reason: string): void {
    connectionLost.value = reason
  }

  function reportFatal(message: string): void {
    fatal.value = message
  }

  return { info, infoError, connectionLost, fatal, loadInfo, reportConnectionLost, reportFatal }
})

/** The message of a thrown value, for showing in the page. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
