/**
 * Estimated times in the New audit form (issue 3): each model's throughput (imported ONNX
 * surrogates included, built as the audit builds them) is measured once on the active backend
 * through `api.engine.measureThroughput` (debounced while the user types, one measurement at a
 * time so they do not slow each other down; the service caches them), then the contract's
 * `estimateAuditTime` turns the draft's pass counts into seconds.
 */
import { QueuedAttackSpec, type ModelSpec } from '@contract/audit-spec'
import type { ImportedSurrogateSpec } from '@contract/onnx-surrogate'
import {
  ThroughputRequest,
  throughputRequestFor,
  type ThroughputEstimate
} from '@contract/throughput'
import {
  estimateAuditTime,
  knownDatasetSize,
  type AuditTimeEstimate,
  type DatasetSize
} from '@contract/time-estimate'
import { hardenStandInsToTrain } from '@contract/harden-stand-ins'
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { useAuditFormStore, type FormDraft } from './audit-form'
import { useJobStore } from './job'

export type ThroughputState =
  | { status: 'measuring' }
  | { status: 'ready'; estimate: ThroughputEstimate }
  | { status: 'failed'; message: string }

/** Waits this long after the last edit of an architecture, width or batch size before measuring. */
export const MEASURE_DEBOUNCE_MS = 600

/** The throughput question for one model on a dataset of known shape; null while a field is invalid. */
export function throughputRequestOf(
  model: Pick<ModelSpec, 'arch' | 'width' | 'recipe'> | ImportedSurrogateSpec,
  size: DatasetSize
): ThroughputRequest | null {
  const parsed = ThroughputRequest.safeParse(throughputRequestFor(model, size))
  return parsed.success ? parsed.data : null
}

/** One key per distinct measurement (an imported surrogate and its fine-tuned copy share theirs). */
export function throughputKey(request: ThroughputRequest): string {
  return JSON.stringify(request)
}

/** The draft's surrogates as the spec lists them: trained ones, then imported ones (the order of `specFromDraft`). */
function surrogatesOf(d: FormDraft): (ModelSpec | ImportedSurrogateSpec)[] {
  return [...d.surrogates, ...(d.importedSurrogates ?? [])]
}

export const useTimeEstimateStore = defineStore('time-estimate', () => {
  const form = useAuditFormStore()
  const job = useJobStore()
  const states = ref<Record<string, ThroughputState>>({})
  const datasetSize = computed(() => (form.draft ? knownDatasetSize(form.draft.dataset) : null))

  /** One request per surrogate, then per target (null where a field is invalid or the dataset's shape is unknown). */
  const requests = computed(() => {
    const d = form.draft
    const size = datasetSize.value
    if (!d || !size) return { surrogates: [], targets: [] }
    return {
      surrogates: surrogatesOf(d).map((m) => throughputRequestOf(m, size)),
      targets: d.targets.map((m) => throughputRequestOf(m, size))
    }
  })

  let queue: Promise<void> = Promise.resolve()
  let timer: ReturnType<typeof setTimeout> | undefined

  /**
   * Measures every requested model not measured yet (or whose measurement failed), one after another;
   * not while an audit runs, which would slow both and skew the figure (it resumes when the audit ends).
   */
  function measureNow(): Promise<void> {
    clearTimeout(timer)
    if (job.active) return queue
    for (const request of [...requests.value.surrogates, ...requests.value.targets]) {
      if (!request) continue
      const key = throughputKey(request)
      const known = states.value[key]
      if (known && known.status !== 'failed') continue
      states.value[key] = { status: 'measuring' }
      queue = queue.then(async () => {
        try {
          states.value[key] = {
            status: 'ready',
            estimate: await useApi().engine.measureThroughput(request)
          }
        } catch (error) {
          states.value[key] = { status: 'failed', message: messageOf(error) }
        }
      })
    }
    return queue
  }

  watch(
    () =>
      [
        job.active,
        ...[...requests.value.surrogates, ...requests.value.targets].map((r) =>
          r ? throughputKey(r) : ''
        )
      ].join('|'),
    () => {
      clearTimeout(timer)
      timer = setTimeout(() => void measureNow(), MEASURE_DEBOUNCE_MS)
    },
    { immediate: true }
  )

  function stateOf(role: 'surrogates' | 'targets', index: number): ThroughputState | null {
    const request = requests.value[role][index]
    return request ? (states.value[throughputKey(request)] ?? { status: 'measuring' }) : null
  }

  const estimate = computed<AuditTimeEstimate | null>(() => {
    const d = form.draft
    const size = datasetSize.value
    if (!d || !size) return null
    const ready = (role: 'surrogates' | 'targets', i: number): ThroughputEstimate | undefined => {
      const s = stateOf(role, i)
      return s?.status === 'ready' ? s.estimate : undefined
    }
    // A queue (when one is built) replaces the stack being edited; entries that do not parse are left out.
    const attacks = (d.queue ?? []).flatMap((entry) => {
      const parsed = QueuedAttackSpec.safeParse(entry)
      return parsed.success ? [parsed.data] : []
    })
    // Harden stand-ins of a trained target train like it (its throughput); their attacks and measures are left out.
    const standIns = hardenStandInsToTrain(form.spec)
    const hardened = d.targets.findIndex((t) => t.name === standIns[0]?.of)
    return estimateAuditTime(
      {
        dataset: size,
        surrogates: surrogatesOf(d),
        targets: [...d.targets, ...standIns.map((s) => s.spec)],
        attack: { ...d.attack, stack: form.stack },
        attacks
      },
      (role, i) =>
        role === 'target' && i >= d.targets.length
          ? ready('targets', hardened)
          : ready(role === 'surrogate' ? 'surrogates' : 'targets', i)
    )
  })

  /** The backend the estimates were measured on (from the first measurement back). */
  const backend = computed(() => {
    for (const s of Object.values(states.value))
      if (s.status === 'ready' && s.estimate.backend) return s.estimate.backend
    return null
  })
  const measuring = computed(() =>
    Object.values(states.value).some((s) => s.status === 'measuring')
  )

  return { states, datasetSize, estimate, backend, measuring, stateOf, measureNow }
})
