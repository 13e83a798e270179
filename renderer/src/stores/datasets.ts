/**
 * The Datasets view: a dataset spec edited field by field (source, folder, image size, limits,
 * validation split), the folder's detected format, and the engine's inspection of the spec (class
 * counts, sample grid, memory, problems). "Use in new audit" hands the spec to the New audit form.
 *
 * An inspection belongs to the spec it was made for: once a field changes it is marked stale
 * rather than hidden, so the user still sees the counts while deciding what to change.
 */
import { DatasetSpec } from '@contract/audit-spec'
import type { DatasetDetection, DatasetInspection } from '@contract/dataset-inspection'
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { useAuditFormStore } from './audit-form'
import { useRunsStore } from './runs'

export type DatasetSource = DatasetSpec['source']

export interface DatasetFields {
  source: DatasetSource
  path: string
  /** Image folders only; null keeps each image's own (common) size. */
  imageSize: number | null
  trainLimit: number
  testLimit: number
  validationSize: number
  splitSeed: number
}

export function defaultDatasetFields(): DatasetFields {
  return {
    source: 'embedded',
    path: '',
    imageSize: 32,
    trainLimit: 0,
    testLimit: 0,
    validationSize: 0,
    splitSeed: 0
  }
}

/** The spec the fields stand for (as an audit's `dataset`), or the contract's message for the first bad field. */
export function datasetSpecOf(fields: DatasetFields): {
  spec: DatasetSpec | null
  error: string | null
} {
  const input = {
    source: fields.source,
    ...(fields.source === 'embedded' ? {} : { path: fields.path.trim() }),
    trainLimit: fields.trainLimit,
    testLimit: fields.testLimit,
    validationSize: fields.validationSize,
    ...(fields.validationSize > 0 ? { splitSeed: fields.splitSeed } : {}),
    ...(fields.source === 'image-folder' && fields.imageSize !== null
      ? { imageSize: fields.imageSize }
      : {})
  }
  if (fields.source !== 'embedded' && !input.path)
    return { spec: null, error: 'path: choose the folder holding the dataset' }
  const parsed = DatasetSpec.safeParse(input)
  if (parsed.success) return { spec: parsed.data, error: null }
  const issue = parsed.error.issues[0]
  return { spec: null, error: `${issue.path.join('.')}: ${issue.message}` }
}

export const useDatasetsStore = defineStore('datasets', () => {
  const open = ref(false)
  const fields = reactive<DatasetFields>(defaultDatasetFields())
  const detection = shallowRef<DatasetDetection | null>(null)
  const detecting = ref(false)
  const inspection = shallowRef<DatasetInspection | null>(null)
  const inspecting = ref(false)
  const error = ref<string | null>(null)
  /** JSON of the spec `inspection` answered. */
  const inspectedKey = ref<string | null>(null)

  const checked = computed(() => datasetSpecOf(fields))
  const spec = computed(() => checked.value.spec)
  const fieldError = computed(() => checked.value.error)
  const stale = computed(
    () => inspection.value !== null && inspectedKey.value !== JSON.stringify(spec.value)
  )
  /** Usable in an audit: inspected as it is now, and readable. */
  const usable = computed(
    () => inspection.value !== null && !stale.value && inspection.value.train.count > 0
  )

  function openView(): void {
    open.value = true
    useAuditFormStore().close()
    useRunsStore().clearSelection()
  }

  function close(): void {
    open.value = false
  }

  /** Says which format the folder holds and switches the source to it when one fits. */
  async function detect(): Promise<void> {
    const path = fields.path.trim()
    if (!path) return
    detecting.value = true
    error.value = null
    try {
      const found = await useApi().datasets.detect(path)
      detection.value = found
      if (found.source) fields.source = found.source
    } catch (e) {
      error.value = messageOf(e)
    } finally {
      detecting.value = false
    }
  }

  /** The native folder dialog (Electron); in browser mode it answers null and the text field stays as typed. */
  async function pickFolder(): Promise<void> {
    try {
      const { path } = await useApi().app.pickFolder('Dataset folder')
      if (path === null) return
      fields.path = path
      await detect()
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  async function inspect(): Promise<void> {
    const current = spec.value
    if (!current) return
    inspecting.value = true
    error.value = null
    try {
      inspection.value = await useApi().datasets.inspect({ dataset: current })
      inspectedKey.value = JSON.stringify(current)
    } catch (e) {
      error.value = messageOf(e)
    } finally {
      inspecting.value = false
    }
  }

  /** Opens the New audit form with this dataset. */
  async function useInNewAudit(): Promise<void> {
    const current = spec.value
    if (!current) return
    close()
    await useAuditFormStore().useDataset(current)
  }

  return {
    open,
    fields,
    detection,
    detecting,
    inspection,
    inspecting,
    error,
    spec,
    fieldError,
    stale,
    usable,
    openView,
    close,
    detect,
    pickFolder,
    inspect,
    useInNewAudit
  }
})
