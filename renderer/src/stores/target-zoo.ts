/**
 * The Target zoo view: the stored in-house targets, the import wizard (fields → check → add) and the
 * sets editor. The check and the add go through `api.zoo`; nothing here loads a model.
 *
 * The wizard's fields are kept as typed (text for lists) and turned into the contract's partial
 * preprocessing by `preprocessingFromFields`, which reports a problem per field instead of throwing.
 * A check result belongs to the exact request it answered: editing any field makes it stale, and
 * "Add to zoo" needs a fresh one (and, near chance, an explicit "accept anyway").
 */
import type { DatasetSpec, ImportedTargetSpec } from '@contract/audit-spec'
import {
  TEST_SET,
  VALIDATION_SET,
  type PartialPreprocessing,
  type TargetCheckRequestInput,
  type TargetCheckResult,
  type ZooAddTrainedRequestInput,
  type ZooListing,
  type ZooSet,
  type ZooTargetEntry
} from '@contract/target-zoo'
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { useAuditFormStore } from './audit-form'
import { useRunsStore } from './runs'

export type RangePreset = '0-1' | '0-255' | '-1-1'
export const RANGE_PRESETS: Record<RangePreset, [number, number]> = {
  '0-1': [0, 1],
  '0-255': [0, 255],
  '-1-1': [-1, 1]
}

export interface WizardFields {
  name: string
  format: 'onnx' | 'tfjs'
  path: string
  /** What the user believes the model takes; compared with what the check detects (not sent). */
  inputSize: number | null
  channels: 1 | 3 | null
  layout: 'auto' | 'NCHW' | 'NHWC'
  resize: boolean
  range: RangePreset
  /** Comma-separated, in the units of the range; empty = no normalisation. */
  mean: string
  std: string
  output: 'logits' | 'probabilities'
  classOrder: 'dataset' | 'reversed' | 'custom'
  /** Comma-separated dataset class per output, for a custom order. */
  classMap: string
  datasetSource: DatasetSpec['source']
  datasetPath: string
  sampleSize: number
  /** ONNX: also import it as a surrogate (attacks and fine-tuning from it), checked against onnxruntime. */
  surrogate: boolean
}

export function defaultFields(): WizardFields {
  return {
    name: '',
    format: 'onnx',
    path: '',
    inputSize: null,
    channels: null,
    layout: 'auto',
    resize: false,
    range: '0-1',
    mean: '',
    std: '',
    output: 'logits',
    classOrder: 'dataset',
    classMap: '',
    datasetSource: 'embedded',
    datasetPath: '',
    sampleSize: 500,
    surrogate: false
  }
}

/** "0.5, 0.25" → [0.5, 0.25]; empty → undefined; anything else → null (not a list of numbers). */
export function parseNumberList(text: string): number[] | undefined | null {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const values = trimmed
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number)
  return values.some((v) => !Number.isFinite(v)) ? null : values
}

/** The request a wizard stands for, with one message per field that cannot be read. */
export function requestFromFields(
  fields: WizardFields,
  classes = 10
): { request: TargetCheckRequestInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const preprocessing: PartialPreprocessing = {
    range: RANGE_PRESETS[fields.range],
    output: fields.output,
    resize: fields.resize
  }
  if (fields.layout !== 'auto') preprocessing.layout = fields.layout
  for (const key of ['mean', 'std'] as const) {
    const values = parseNumberList(fields[key])
    if (values === null)
      errors[key] = `${key} must be numbers separated by commas, e.g. 0.286 or 0.485, 0.456, 0.406`
    else if (values) preprocessing[key] = values
  }
  if (preprocessing.std?.some((s) => s <= 0)) errors.std = 'std values must be > 0'
  if (Boolean(preprocessing.mean) !== Boolean(preprocessing.std))
    errors[preprocessing.mean ? 'std' : 'mean'] = 'give both mean and std, or neither'
  if (fields.classOrder === 'reversed')
    preprocessing.classMap = Array.from({ length: classes }, (_, i) => classes - 1 - i)
  if (fields.classOrder === 'custom') {
    const map = parseNumberList(fields.classMap)
    if (!map || map.some((k) => !Number.isInteger(k) || k < 0))
      errors.classMap = 'give the dataset class (0, 1, …) of each output, separated by commas'
    else preprocessing.classMap = map
  }
  if (!fields.path.trim())
    errors.path =
      fields.format === 'onnx'
        ? 'give the path of the .onnx file'
        : 'give the path of the model.json'
  if (fields.datasetSource !== 'embedded' && !fields.datasetPath.trim())
    errors.datasetPath = 'give the dataset folder'
  const dataset: Partial<DatasetSpec> = { source: fields.datasetSource }
  if (fields.datasetSource !== 'embedded') dataset.path = fields.datasetPath.trim()
  const surrogate = fields.format === 'onnx' && fields.surrogate
  return {
    request: {
      format: fields.format,
      path: fields.path.trim(),
      preprocessing,
      dataset,
      sampleSize: fields.sampleSize,
      ...(surrogate ? { surrogate } : {})
    },
    errors
  }
}

/** Wizard fields that reproduce a check's suggested fix (the fields it does not name stay). */
export function applyFixToFields(fields: WizardFields, fix: PartialPreprocessing): WizardFields {
  const next = { ...fields }
  if (fix.layout) next.layout = fix.layout
  if (fix.range) {
    const preset = (Object.keys(RANGE_PRESETS) as RangePreset[]).find(
      (k) => RANGE_PRESETS[k].join() === fix.range?.join()
    )
    if (preset) next.range = preset
  }
  if ('mean' in fix || 'std' in fix || fix.range) {
    next.mean = fix.mean?.map((v) => Number(v.toPrecision(4))).join(', ') ?? ''
    next.std = fix.std?.map((v) => Number(v.toPrecision(4))).join(', ') ?? ''
  }
  if (fix.classMap) {
    const identity = fix.classMap.every((k, i) => k === i)
    next.classOrder = identity ? 'dataset' : 'custom'
    next.classMap = identity ? '' : fix.classMap.join(', ')
  }
  return next
}

/** What the check found that differs from what the user said about the input (size, channels). */
export function inputMismatch(fields: WizardFields, result: TargetCheckResult): string | null {
  const [h, w, c] = result.detected.inputShape
  const said: string[] = []
  if (fields.inputSize !== null && (fields.inputSize !== h || fields.inputSize !== w))
    said.push(`${fields.inputSize}×${fields.inputSize}`)
  if (fields.channels !== null && fields.channels !== c)
    said.push(`${fields.channels} channel${fields.channels > 1 ? 's' : ''}`)
  return said.length
    ? `The model takes ${h}×${w}×${c} images, not ${said.join(' and ')} as stated.`
    : null
}

/** Targets ticked in both the test and the validation set: an audit cannot use a model for both. */
export function setConflicts(sets: readonly ZooSet[]): string[] {
  const test = sets.find((s) => s.name === TEST_SET)?.targetIds ?? []
  return (sets.find((s) => s.name === VALIDATION_SET)?.targetIds ?? []).filter((id) =>
    test.includes(id)
  )
}

/** The sets with `id` ticked in or out of set `name`. */
export function withMembership(
  sets: readonly ZooSet[],
  name: string,
  id: string,
  member: boolean
): ZooSet[] {
  return sets.map((s) => {
    if (s.name !== name) return s
    const without = s.targetIds.filter((t) => t !== id)
    return { ...s, targetIds: member ? [...without, id] : without }
  })
}

/** A zoo target as an audit's importedTargets entry: its stored copy and the preprocessing it was checked with. */
export function importedTargetOf(target: ZooTargetEntry): ImportedTargetSpec {
  return {
    name: target.name,
    format: target.format,
    path: target.path,
    preprocessing: structuredClone(target.preprocessing)
  }
}

/** Optional file picker (Electron's open dialog, once the shell offers one); the wizard shows "Browse…" only when set. */
let modelFilePicker: ((format: 'onnx' | 'tfjs') => Promise<string | null>) | null = null
export function setModelFilePicker(picker: typeof modelFilePicker): void {
  modelFilePicker = picker
}

export const useTargetZooStore = defineStore('target-zoo', () => {
  const open = ref(false)
  const listing = shallowRef<ZooListing | null>(null)
  const listError = ref<string | null>(null)
  const fields = reactive<WizardFields>(defaultFields())
  const checking = ref(false)
  const checkError = ref<string | null>(null)
  const result = shallowRef<TargetCheckResult | null>(null)
  /** The request `result` answered, as JSON: a different current request makes the result stale. */
  const checkedKey = ref<string | null>(null)
  const acceptCheck = ref(false)
  const adding = ref(false)
  const addError = ref<string | null>(null)
  const lastAdded = ref<string | null>(null)
  /** The sets being edited (a copy of the stored ones until saved). */
  const setsDraft = ref<ZooSet[]>([])
  const setsError = ref<string | null>(null)
  const savingSets = ref(false)

  const parsed = computed(() => requestFromFields(fields))
  const fieldErrors = computed(() => parsed.value.errors)
  const stale = computed(
    () => result.value !== null && checkedKey.value !== JSON.stringify(parsed.value.request)
  )
  const freshResult = computed(() => (stale.value ? null : result.value))
  const nameError = computed(() => {
    const name = fields.name.trim()
    if (!name) return 'give the target a name'
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
      return 'use letters, digits, "-", "_" or "." (at most 64)'
    if (listing.value?.targets.some((t) => t.name.toLowerCase() === name.toLowerCase()))
      return `the zoo already has a target named "${name}"`
    return null
  })
  const canCheck = computed(() => Object.keys(fieldErrors.value).length === 0 && !checking.value)
  const canAdd = computed(() => {
    const r = freshResult.value
    return (
      r !== null && nameError.value === null && !adding.value && (!r.warning || acceptCheck.value)
    )
  })
  const conflicts = computed(() => setConflicts(setsDraft.value))
  const setsDirty = computed(
    () => JSON.stringify(setsDraft.value) !== JSON.stringify(listing.value?.sets ?? [])
  )
  const canPickFile = computed(() => modelFilePicker !== null)

  async function refresh(): Promise<void> {
    try {
      listing.value = await useApi().zoo.list()
      setsDraft.value = structuredClone(listing.value.sets)
      listError.value = null
    } catch (error) {
      listError.value = `Could not read the zoo: ${messageOf(error)}`
    }
  }

  function openView(): void {
    open.value = true
    useAuditFormStore().close()
    useRunsStore().clearSelection()
    void refresh()
  }

  function close(): void {
    open.value = false
  }

  async function check(): Promise<void> {
    if (!canCheck.value) return
    const request = parsed.value.request
    checking.value = true
    checkError.value = null
    acceptCheck.value = false
    try {
      result.value = await useApi().zoo.check(request)
      checkedKey.value = JSON.stringify(request)
    } catch (error) {
      result.value = null
      checkError.value = messageOf(error)
    } finally {
      checking.value = false
    }
  }

  async function add(): Promise<void> {
    if (!canAdd.value) return
    adding.value = true
    addError.value = null
    try {
      const added = await useApi().zoo.add({
        ...parsed.value.request,
        name: fields.name.trim(),
        acceptCheck: acceptCheck.value
      })
      lastAdded.value = added.name
      Object.assign(fields, defaultFields())
      result.value = null
      checkedKey.value = null
      await refresh()
    } catch (error) {
      addError.value = messageOf(error)
    } finally {
      adding.value = false
    }
  }

  function applyFix(): void {
    const fix = result.value?.warning?.fix
    if (fix) Object.assign(fields, applyFixToFields(fields, fix))
  }

  async function browse(): Promise<void> {
    const picked = await modelFilePicker?.(fields.format)
    if (picked) fields.path = picked
  }

  async function remove(id: string): Promise<void> {
    try {
      await useApi().zoo.remove(id)
      await refresh()
    } catch (error) {
      listError.value = `Could not remove "${id}": ${messageOf(error)}`
    }
  }

  function setMember(name: string, id: string, member: boolean): void {
    setsDraft.value = withMembership(setsDraft.value, name, id, member)
  }

  function addSet(name: string): string | null {
    const trimmed = name.trim()
    if (!trimmed) return 'give the set a name'
    if (setsDraft.value.some((s) => s.name === trimmed))
      return `there is already a set named "${trimmed}"`
    setsDraft.value = [...setsDraft.value, { name: trimmed, targetIds: [] }]
    return null
  }

  function removeSet(name: string): void {
    if (name === TEST_SET || name === VALIDATION_SET) return
    setsDraft.value = setsDraft.value.filter((s) => s.name !== name)
  }

  /**
   * Adds a model trained in a completed run (the run page's "Add to zoo"); throws the service's
   * refusal for the caller to show, and refreshes the listing when the zoo was already read.
   */
  async function addTrained(request: ZooAddTrainedRequestInput): Promise<ZooTargetEntry> {
    // lastAdded stays the wizard's: this add is confirmed on the run page's row.
    const added = await useApi().zoo.addTrained(request)
    if (listing.value) await refresh()
    return added
  }

  async function saveSets(): Promise<void> {
    if (conflicts.value.length > 0) return
    savingSets.value = true
    setsError.value = null
    try {
      // A plain copy: Vue's proxies cannot cross IPC (structured clone) or the WebSocket unchanged.
      await useApi().zoo.saveSets(JSON.parse(JSON.stringify(setsDraft.value)) as ZooSet[])
      await refresh()
    } catch (error) {
      setsError.value = messageOf(error)
    } finally {
      savingSets.value = false
    }
  }

  return {
    open,
    listing,
    listError,
    fields,
    checking,
    checkError,
    result,
    freshResult,
    stale,
    acceptCheck,
    adding,
    addError,
    lastAdded,
    fieldErrors,
    nameError,
    canCheck,
    canAdd,
    canPickFile,
    setsDraft,
    setsError,
    savingSets,
    setsDirty,
    conflicts,
    refresh,
    openView,
    close,
    check,
    add,
    applyFix,
    browse,
    remove,
    setMember,
    addSet,
    removeSet,
    saveSets,
    addTrained
  }
})
