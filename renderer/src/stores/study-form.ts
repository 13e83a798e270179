/**
 * The New study form (issue 14): a preset (quick, fashion-mnist, cifar10) fills the spec, which the
 * user may edit as JSON — a study is a spec file like an audit — checked live against the contract
 * (every problem named by its field), with the estimated time before Start: each model's throughput
 * is measured once on the active backend (`api.engine.measureThroughput`, cached by the service),
 * then `estimateStudyTime` turns the plan's passes into seconds and replays the seeds on the worker
 * pool (the spec's `workers`, else one per core).
 */
import { describeSpecError } from '@contract/audit-spec'
import {
  estimateStudyTime,
  studyDatasetSize,
  studyModels,
  type StudyTimeEstimate,
  type Throughput
} from '@contract/study-estimate'
import { FASHION_MNIST_PATH, studyPreset, type StudyPresetName } from '@contract/study-presets'
import { StudySpec } from '@contract/study-spec'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf, useAppStore } from './app'

export type PresetChoice = StudyPresetName | 'custom'

export interface ParsedStudy {
  spec: StudySpec | null
  /** One line per problem, each naming the field (`seeds: …`), or the JSON error. */
  errors: string[]
}

/** Parses the editor's text: JSON first, then the contract's strict schema. */
export function parseStudyText(text: string): ParsedStudy {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { spec: null, errors: [`not valid JSON: ${messageOf(error)}`] }
  }
  const parsed = StudySpec.safeParse(json)
  return parsed.success
    ? { spec: parsed.data, errors: [] }
    : { spec: null, errors: describeSpecError(parsed.error).split('\n') }
}

const key = (arch: string, width: number, batch: number): string =>
  JSON.stringify([arch, width, batch])

export const useStudyFormStore = defineStore('study-form', () => {
  const preset = ref<PresetChoice>('quick')
  const full = ref(false)
  const dataPath = ref('')
  const paperWidths = ref(false)
  const text = ref('')
  const presetError = ref<string | null>(null)
  const throughputs = ref<Record<string, Throughput | 'measuring' | { failed: string }>>({})

  const parsed = computed(() => parseStudyText(text.value))

  /** Fills the editor from the chosen preset and options (custom keeps the text). */
  function applyPreset(): void {
    if (preset.value === 'custom') return
    try {
      const path =
        dataPath.value.trim() || (preset.value === 'fashion-mnist' ? FASHION_MNIST_PATH : undefined)
      text.value = JSON.stringify(
        studyPreset(preset.value, {
          full: full.value,
          dataPath: path,
          paperWidths: paperWidths.value
        }),
        null,
        2
      )
      presetError.value = null
    } catch (error) {
      presetError.value = messageOf(error)
    }
  }

  /** Measures the throughput of every model of the spec not measured yet, one at a time. */
  async function measure(): Promise<void> {
    const spec = parsed.value.spec
    const size = spec ? studyDatasetSize(spec) : null
    if (!spec || !size) return
    for (const m of studyModels(spec)) {
      const k = key(m.arch, m.width, m.batchSize)
      if (
        throughputs.value[k] !== undefined &&
        throughputs.value[k] !== 'measuring' &&
        !('failed' in (throughputs.value[k] as object))
      )
        continue
      throughputs.value = { ...throughputs.value, [k]: 'measuring' }
      try {
        const t = await useApi().engine.measureThroughput({
          arch: m.arch,
          width: m.width,
          inputShape: size.inputShape,
          numClasses: size.numClasses,
          batchSize: m.batchSize
        })
        throughputs.value = { ...throughputs.value, [k]: t }
      } catch (error) {
        throughputs.value = { ...throughputs.value, [k]: { failed: messageOf(error) } }
      }
    }
  }

  const measuring = computed(() => Object.values(throughputs.value).some((t) => t === 'measuring'))

  /** The estimate, or why there is none yet. */
  const estimate = computed((): { value: StudyTimeEstimate | null; note: string | null } => {
    const spec = parsed.value.spec
    if (!spec) return { value: null, note: null }
    const size = studyDatasetSize(spec)
    if (!size)
      return {
        value: null,
        note: 'the size of this dataset is not known before loading it: set dataset.trainLimit and testLimit for an estimate'
      }
    const workers = spec.workers ?? useAppStore().info?.cores ?? 1
    const value = estimateStudyTime(
      spec,
      size,
      (arch, width, batch) => {
        const t = throughputs.value[key(arch, width, batch)]
        return t && t !== 'measuring' && !('failed' in t) ? t : undefined
      },
      workers
    )
    const failed = Object.values(throughputs.value).find(
      (t): t is { failed: string } => typeof t === 'object' && 'failed' in t
    )
    return { value, note: failed ? `a throughput could not be measured: ${failed.failed}` : null }
  })

  function reset(): void {
    preset.value = 'quick'
    full.value = false
    dataPath.value = ''
    paperWidths.value = false
    applyPreset()
  }

  return {
    preset,
    full,
    dataPath,
    paperWidths,
    text,
    presetError,
    parsed,
    throughputs,
    measuring,
    estimate,
    applyPreset,
    measure,
    reset
  }
})
