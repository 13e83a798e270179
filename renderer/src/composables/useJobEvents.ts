/**
 * Feeds job events into the job store while the calling component is mounted.
 */
import { onMounted, onUnmounted } from 'vue'
import { useJobStore } from '../stores/job'

export function useJobEvents(): void {
  let unsubscribe: (() => void) | null = null
  onMounted(() => {
    unsubscribe = useJobStore().listen()
  })
  onUnmounted(() => {
    unsubscribe?.()
    unsubscribe = null
  })
}
