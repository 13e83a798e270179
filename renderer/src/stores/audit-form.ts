/**
 * The New audit form: a draft spec pre-filled from the demo, edited field by field, checked live with
 * the contract's `AuditSpec` so every problem shows next to its field before anything is sent.
 *
 * The draft holds parsed (defaults filled in) values; `spec` rebuilds an `AuditSpecInput` from it,
 * leaving out the techniques that are not ticked and the step size while it follows ε/10.
 */
import {
  AttackSpec,
  ARCHITECTURES_WITH_SKIPS,
  AuditSpec,
  describeSpecError,
  ModelSpec,
  QueuedAttackSpec,
  type QueuedAttackInput,
  SharpnessTracking,
  ValidationSpec,
  type ArchitectureId,
  type AuditSpecInput,
  type DatasetSpec,
  type ImportedTargetSpec
} from '@contract/audit-spec'
import {
  attackCost,
  attackCostPerIteration,
  describeStack,
  LgvConfig,
  NEEDS_SKIPS,
  STACK_TECHNIQUE_IDS,
  type AttackStack,
  type StackTechniqueId
} from '@contract/attack-stack'
import { STACK_TECHNIQUES } from '@contract/techniques/registry'
import type { HardenSpecInput } from '@contract/harden-spec'
import { MinimizerSpec } from '@contract/minimizer-spec'
import { isImportedSurrogate, type ImportedSurrogateSpec } from '@contract/onnx-surrogate'
import { TRAINING_PRESETS } from '@contract/training-presets'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { inFormUnits } from './form-units'
import { useJobStore } from './job'
import { useRunsStore } from './runs'

export type ModelRole = 'surrogates' | 'targets'
type Attack = AttackSpec
type StackConfigs = Required<AttackStack>
export type EditableTechnique = Exclude<StackTechniqueId, 'lgv'>

/**
 * Every editable technique's config with its registry defaults (each schema parsed from `{}`); an
 * ensemble starts with no members (the form fills in the surrogates when it is ticked).
 */
export function defaultTechniqueConfigs(): Omit<StackConfigs, 'lgv'> {
  const configs: Record<string, unknown> = {}
  for (const id of STACK_TECHNIQUE_IDS) {
    if (id === 'lgv') continue
    configs[id] =
      id === 'ens' ? { members: [], fusion: 'logits' } : STACK_TECHNIQUES[id].schema.parse({})
  }
  return configs as Omit<StackConfigs, 'lgv'>
}

export interface AttackDraft extends Omit<Attack, 'stack' | 'stepSize'> {
  stepSize: number
  /** While true the step size follows ε/10 (the paper's rule) and is left out of the spec. */
  stepSizeAuto: boolean
}

export interface FormDraft {
  name: string
  seed: number
  dataset: DatasetSpec
  surrogates: ModelSpec[]
  targets: ModelSpec[]
  attack: AttackDraft
  enabled: Record<StackTechniqueId, boolean>
  configs: Omit<StackConfigs, 'lgv'>
  /**
   * LGV: member folders (`sources`) come from a loaded spec only (the form cannot pick folders); the form
   * edits `collect` (members collected from each trained surrogate without a source) and `nGrad`.
   */
  lgv: AttackStack['lgv']
  /** Validation targets and images of early stopping; present while a surrogate needs them. */
  validation?: ValidationSpec
  /** In-house test targets, picked from the Target zoo (stores/zoo-pick.ts) or loaded with the spec. */
  importedTargets?: ImportedTargetSpec[]
  /** Imported ONNX surrogates (the zoo's "use as surrogate" models, or loaded with the spec), after the trained ones. */
  importedSurrogates?: ImportedSurrogateSpec[]
  /**
   * Stacks added with "Add stack to queue". Empty: the spec has one `attack` (the stack being edited).
   * Otherwise the spec's `attacks` is this queue, and the editor above only composes the next entry.
   */
  queue: QueuedAttackInput[]
  /** The Harden step (harden-spec.ts), as typed: absent when the audit hardens nothing. */
  harden?: HardenSpecInput
  /** Engine worker processes; undefined or NaN (cleared): one per core. */
  workers?: number
}

/** One queued stack's price: passes per example at the first iteration and over all steps. */
export interface QueuedStackCost {
  label: string
  perIteration: number
  total: number
  steps: number
}

/** LGV collecting its members from the trained surrogate, with LGV's recipe (contract defaults). */
export function defaultLgvConfig(): NonNullable<AttackStack['lgv']> {
  return LgvConfig.parse({ collect: {} })
}

/** Turns a spec (as the demo or the CLI writes it) into a draft; throws the contract's message when invalid. */
export function draftFromSpec(input: AuditSpecInput): FormDraft {
  const parsed = AuditSpec.safeParse(input)
  if (!parsed.success) throw new Error(describeSpecError(parsed.error))
  const spec = parsed.data
  // A loaded queue comes back as the queue, with its first stack in the editor.
  const { stack, ...attack } = spec.attack
  const configs = defaultTechniqueConfigs()
  const enabled = Object.fromEntries(
    STACK_TECHNIQUE_IDS.map((id) => [id, stack[id] !== undefined])
  ) as Record<StackTechniqueId, boolean>
  for (const id of STACK_TECHNIQUE_IDS) {
    if (id === 'lgv') continue
    const config = stack[id]
    if (config !== undefined) Object.assign(configs[id], config)
  }
  return {
    name: spec.name,
    seed: spec.seed,
    dataset: spec.dataset,
    surrogates: spec.surrogates.filter((s): s is ModelSpec => !isImportedSurrogate(s)),
    targets: spec.targets,
    attack: { ...attack, stepSizeAuto: input.attack?.stepSize === undefined },
    enabled,
    configs,
    lgv: stack.lgv ?? defaultLgvConfig(),
    ...(spec.validation ? { validation: spec.validation } : {}),
    ...(spec.importedTargets?.length ? { importedTargets: spec.importedTargets } : {}),
    ...(spec.surrogates.some(isImportedSurrogate)
      ? { importedSurrogates: spec.surrogates.filter(isImportedSurrogate) }
      : {}),
    queue: (input.attacks ?? []).map((entry) => plainCopy(entry)),
    ...(input.harden ? { harden: plainCopy(input.harden) } : {}),
    ...(spec.workers !== undefined ? { workers: spec.workers } : {})
  }
}

/** The stack being edited as a queue entry: its budget, its ticked techniques, no label (the stack name). */
export function queueEntryFromDraft(draft: FormDraft): QueuedAttackInput {
  const { stepSizeAuto, stepSize, ...attack } = draft.attack
  return plainCopy({ ...attack, ...(stepSizeAuto ? {} : { stepSize }), stack: stackOf(draft) })
}

/** Price of every queued stack, labelled as the run will label it. */
export function queueCosts(queue: readonly QueuedAttackInput[]): QueuedStackCost[] {
  return queue.map((entry) => {
    const parsed = QueuedAttackSpec.safeParse(entry)
    if (!parsed.success)
      return { label: entry.label ?? '?', perIteration: NaN, total: NaN, steps: entry.steps ?? NaN }
    const { stack, steps, label } = parsed.data
    return {
      label: label ?? describeStack(stack),
      perIteration: attackCostPerIteration(stack, 0),
      total: attackCost(stack, steps),
      steps
    }
  })
}

/** The spec a draft stands for: what Start sends and what `AuditSpec` checks. */
export function specFromDraft(draft: FormDraft): AuditSpecInput {
  const { stepSizeAuto, stepSize, ...attack } = draft.attack
  return {
    name: draft.name,
    seed: draft.seed,
    dataset: plainCopy(draft.dataset),
    surrogates: [...plainCopy(draft.surrogates), ...plainCopy(draft.importedSurrogates ?? [])],
    targets: plainCopy(draft.targets),
    ...(draft.importedTargets?.length ? { importedTargets: plainCopy(draft.importedTargets) } : {}),
    ...(draft.queue.length
      ? { attacks: plainCopy(draft.queue) }
      : { attack: { ...attack, ...(stepSizeAuto ? {} : { stepSize }), stack: stackOf(draft) } }),
    ...(draft.validation ? { validation: plainCopy(draft.validation) } : {}),
    ...(draft.harden ? { harden: plainCopy(draft.harden) } : {}),
    ...(draft.workers !== undefined && !Number.isNaN(draft.workers)
      ? { workers: draft.workers }
      : {})
  }
}

function stackOf(draft: FormDraft): AttackStack {
  const stack: AttackStack = {}
  for (const id of STACK_TECHNIQUE_IDS) {
    if (!draft.enabled[id]) continue
    if (id === 'lgv') {
      if (draft.lgv) stack.lgv = plainCopy(draft.lgv)
    } else {
      Object.assign(stack, { [id]: plainCopy(draft.configs[id]) })
    }
  }
  return stack
}

/**
 * A deep copy of plain data that reads through Vue's proxies (so a computed tracks every field, which
 * `toRaw` + `structuredClone` would not) and keeps NaN (which a JSON round trip turns into null), so a
 * cleared field is reported as the number it should be.
 */
export function plainCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => plainCopy(item)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, plainCopy(item)])
    ) as T
  }
  return value
}

/** Whether any surrogate can take GN and SGM (they patch the inside of residual blocks). */
export function surrogatesHaveSkips(surrogates: readonly { arch: ArchitectureId }[]): boolean {
  return surrogates.some((m) => ARCHITECTURES_WITH_SKIPS.includes(m.arch))
}

/**
 * The preset a minimizer matches exactly (after filling defaults), or null when hand-tuned. An
 * early-stopped surrogate matches an early-stopping preset first (early-stopped SGD), else its minimizer's.
 */
export function presetOf(minimizer: MinimizerSpec, earlyStopping = false): string | null {
  const key = JSON.stringify(minimizer)
  const matches = TRAINING_PRESETS.filter(
    (p) => JSON.stringify(MinimizerSpec.parse(p.minimizer)) === key
  )
  return (
    (earlyStopping ? matches.find((p) => p.earlyStopping) : undefined)?.id ??
    matches.find((p) => !p.earlyStopping)?.id ??
    null
  )
}

/** Whether any surrogate needs the validation block (early stopping or tracked validation transfer). */
export function needsValidation(surrogates: readonly ModelSpec[]): boolean {
  return surrogates.some((m) => m.earlyStopping || m.track?.transfer)
}

/**
 * The validation block early stopping starts from: 1,000 held-out training images (when none are held
 * out yet) and one small-cnn validation target, width 16, trained like the first test target, with a
 * seed no other model uses, so it is never the same model as a test target.
 */
export function addDefaultValidation(draft: FormDraft): void {
  if (draft.validation) return
  const all = [...draft.surrogates, ...draft.targets]
  const seed = Math.max(0, ...all.map((m) => m.seed)) + 1
  const names = new Set(all.map((m) => m.name))
  let n = 1
  while (names.has(`validation-${n}`)) n++
  const recipe = plainCopy(draft.targets[0]?.recipe ?? draft.surrogates[0]?.recipe)
  draft.validation = ValidationSpec.parse({
    targets: [
      { name: `validation-${n}`, arch: 'small-cnn', width: 16, seed, ...(recipe ? { recipe } : {}) }
    ]
  })
  if (!draft.dataset.validationSize) draft.dataset.validationSize = 1000
}

/** Writes one hyper-parameter into a draft config; undefined removes an optional one (its default rule applies). */
export function assignField(target: object, key: string, value: unknown): void {
  const record = target as Record<string, unknown>
  if (value === undefined) delete record[key]
  else record[key] = value
}

export const useAuditFormStore = defineStore('audit-form', () => {
  /** Whether the main area shows the form. */
  const open = ref(false)
  const loading = ref(false)
  const loadError = ref<string | null>(null)
  const draft = ref<FormDraft | null>(null)

  const spec = computed<AuditSpecInput | null>(() =>
    draft.value ? specFromDraft(draft.value) : null
  )
  /** The contract's check of `spec`, computed once for every reader (errors, the Harden card's warnings). */
  const parsed = computed(() => (spec.value ? AuditSpec.safeParse(spec.value) : null))
  const skipsAvailable = computed(() =>
    draft.value ? surrogatesHaveSkips(draft.value.surrogates) : false
  )

  /** Every problem, keyed by its dotted path as `describeSpecError` prints it (`attack.eps`, `surrogates.0.name`). */
  const errors = computed<Record<string, string>>(() => {
    const checked = parsed.value
    if (!checked) return {}
    const found: Record<string, string> = {}
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const path = issue.path.length ? issue.path.join('.') : '(spec)'
        // A cleared number field holds NaN; zod's "expected number, received NaN" says less than this.
        found[path] ??= inFormUnits(
          path,
          /received NaN/.test(issue.message) ? 'enter a number' : issue.message,
          spec.value?.attack?.norm ?? 'linf'
        )
      }
    }
    if (!skipsAvailable.value) {
      for (const id of NEEDS_SKIPS) {
        if (draft.value?.enabled[id])
          found[`attack.stack.${id}`] =
            `${id.toUpperCase()} needs a surrogate with skip connections (a ResNet, WRN, DenseNet, ConvMixer, MLP-Mixer or small-resnet): untick it or change a surrogate`
      }
    }
    const lgv = draft.value?.enabled.lgv ? draft.value.lgv : undefined
    if (lgv && !lgv.collect) {
      const missing = draft.value?.surrogates.find(
        (m) => !lgv.sources.some((src) => src.surrogate === m.name)
      )
      if (missing)
        found['attack.stack.lgv'] =
          `LGV has no member folders for surrogate "${missing.name}": tick "collect from the trained surrogate" or untick LGV`
    }
    return found
  })
  const valid = computed(() => spec.value !== null && Object.keys(errors.value).length === 0)

  /** Whether an ensemble (Ens, SVRE, CWA) can be formed: it needs two surrogates or more. */
  const ensembleAvailable = computed(() => (draft.value?.surrogates.length ?? 0) >= 2)

  /**
   * Ticks or unticks a technique. Ticking an ensemble with no members takes every surrogate; ticking
   * SVRE or CWA ticks the ensemble they run over.
   */
  function toggleTechnique(id: StackTechniqueId, on: boolean): void {
    const d = draft.value
    if (!d) return
    d.enabled[id] = on
    if (!on) return
    if (id === 'svre' || id === 'cwa') d.enabled.ens = true
    if (d.enabled.ens && d.configs.ens.members.length === 0)
      d.configs.ens.members = d.surrogates.map((m) => m.name)
  }

  /** Ticks or unticks one surrogate as a member of the ensemble. */
  function setEnsembleMember(name: string, member: boolean): void {
    const ens = draft.value?.configs.ens
    if (!ens) return
    const others = ens.members.filter((n) => n !== name)
    ens.members = member
      ? (draft.value?.surrogates
          .map((m) => m.name)
          .filter((n) => n === name || others.includes(n)) ?? others)
      : others
  }

  /** The ticked techniques with their settings: what the spec's `attack.stack` holds. */
  const stack = computed<AttackStack>(() => (draft.value ? stackOf(draft.value) : {}))
  /** Passes per example at the first iteration, and from RAP's late start on when RAP is ticked. */
  const costPerIteration = computed(() => attackCostPerIteration(stack.value, 0))
  const costAfterLateStart = computed(() => {
    const d = draft.value
    if (!d || !d.enabled.rap) return null
    return attackCostPerIteration(stack.value, d.configs.rap.lateStart)
  })
  const totalCost = computed(() =>
    draft.value ? attackCost(stack.value, draft.value.attack.steps) : 0
  )

  /** ε as typed: in /255 units under L∞ (16 means 16/255), as is under L2. Stored as a fraction. */
  const epsInput = computed<number>({
    get: () => (draft.value ? toInputUnits(draft.value.attack.eps) : NaN),
    set: (value) => {
      if (draft.value) draft.value.attack.eps = fromInputUnits(value)
    }
  })
  /** The step size in the same units as ε; while automatic it shows ε/10. */
  const stepSizeInput = computed<number>({
    get: () => {
      const a = draft.value?.attack
      if (!a) return NaN
      return toInputUnits(a.stepSizeAuto ? a.eps / 10 : a.stepSize)
    },
    set: (value) => {
      if (draft.value) draft.value.attack.stepSize = fromInputUnits(value)
    }
  })

  function toInputUnits(value: number): number {
    return draft.value?.attack.norm === 'linf' ? Number((value * 255).toPrecision(12)) : value
  }
  function fromInputUnits(value: number): number {
    return draft.value?.attack.norm === 'linf' ? value / 255 : value
  }

  /** Opens the form, pre-filled from the demo spec on first open; later opens keep the user's edits. */
  async function openForm(): Promise<void> {
    open.value = true
    useRunsStore().clearSelection()
    if (draft.value || loading.value) return
    await reset()
  }

  /** Replaces the draft with the demo spec. */
  async function reset(): Promise<void> {
    loading.value = true
    loadError.value = null
    try {
      draft.value = draftFromSpec(await useApi().audit.demoSpec())
    } catch (error) {
      loadError.value = `Could not load the demo spec to start from: ${messageOf(error)}`
    } finally {
      loading.value = false
    }
  }

  function close(): void {
    open.value = false
  }

  /** Opens the form on a given spec (a run's, for its Harden step), replacing the draft. */
  function openWithSpec(input: AuditSpecInput): void {
    draft.value = draftFromSpec(input)
    loadError.value = null
    open.value = true
    useRunsStore().clearSelection()
  }

  /** Opens the form with `dataset` as its dataset (the Datasets view's "Use in new audit"); other fields keep the draft's values. */
  async function useDataset(dataset: DatasetSpec): Promise<void> {
    await openForm()
    if (draft.value) draft.value.dataset = plainCopy(dataset)
  }

  function setAutoStepSize(auto: boolean): void {
    const a = draft.value?.attack
    if (!a) return
    // Turning the rule off starts from the value it gave, so the field does not jump.
    if (!auto && a.stepSizeAuto) a.stepSize = a.eps / 10
    a.stepSizeAuto = auto
  }

  function setNorm(norm: 'linf' | 'l2'): void {
    const a = draft.value?.attack
    if (!a || a.norm === norm) return
    a.norm = norm
    // L∞ 16/255 is a tiny L2 ball; start from a usual radius of each norm instead (Gubri 2022: L2 0.5).
    a.eps = norm === 'linf' ? 4 / 255 : 0.5
    if (!a.stepSizeAuto) a.stepSize = a.eps / 10
  }

  function addModel(role: ModelRole): void {
    const d = draft.value
    if (!d) return
    const list = d[role]
    const last = list[list.length - 1] ?? d.surrogates[0] ?? d.targets[0]
    const base = role === 'surrogates' ? 'surrogate' : 'target'
    const names = new Set([...d.surrogates, ...d.targets].map((m) => m.name))
    let n = list.length + 1
    while (names.has(`${base}-${n}`)) n++
    const model = last ? plainCopy(last) : ModelSpec.parse({ name: base, arch: 'small-cnn' })
    list.push({ ...model, name: `${base}-${n}`, seed: model.seed + 1 })
  }

  function removeModel(role: ModelRole, index: number): void {
    draft.value?.[role].splice(index, 1)
  }

  /**
   * Applies a training preset to a surrogate, filling the minimizer's defaults so every field shows.
   * Early-stopped SGD turns early stopping on; plain SGD (its fully trained twin) turns it off.
   */
  function applyPreset(index: number, presetId: string): void {
    const model = draft.value?.surrogates[index]
    const preset = TRAINING_PRESETS.find((p) => p.id === presetId)
    if (!model || !preset) return
    model.recipe.minimizer = MinimizerSpec.parse(plainCopy(preset.minimizer))
    const key = JSON.stringify(model.recipe.minimizer)
    const twinOfEarlyStopped = TRAINING_PRESETS.some(
      (p) => p.earlyStopping && JSON.stringify(MinimizerSpec.parse(p.minimizer)) === key
    )
    if (preset.earlyStopping) setEarlyStopping(index, true)
    else if (twinOfEarlyStopped) setEarlyStopping(index, false)
  }

  /** Early stopping on a surrogate; the validation block comes with the first and goes with the last. */
  function setEarlyStopping(index: number, on: boolean): void {
    const d = draft.value
    const model = d?.surrogates[index]
    if (!d || !model) return
    if (on) {
      model.earlyStopping = true
      addDefaultValidation(d)
    } else {
      delete model.earlyStopping
      if (!needsValidation(d.surrogates)) {
        delete d.validation
        d.dataset.validationSize = 0
      }
    }
  }

  /** Per-epoch sharpness of a surrogate, with the contract's defaults (1,000 images, 20 + 10 HVPs). */
  function setTrackSharpness(index: number, on: boolean): void {
    const model = draft.value?.surrogates[index]
    if (!model) return
    if (on) model.track = { ...model.track, sharpness: SharpnessTracking.parse({}) }
    else if (model.track) {
      delete model.track.sharpness
      if (Object.keys(model.track).length === 0) delete model.track
    }
  }

  /** Turns LGV's collection from the trained surrogate on (with the last or default settings) or off. */
  function setLgvCollect(on: boolean): void {
    const d = draft.value
    if (!d) return
    d.lgv ??= defaultLgvConfig()
    if (!on) delete d.lgv.collect
    else d.lgv.collect ??= defaultLgvConfig().collect
  }

  /** Each queued stack's price (passes per example), in queue order. */
  const queued = computed(() => queueCosts(draft.value?.queue ?? []))
  /** Why the last "Add stack to queue" was refused, or null. */
  const queueError = ref<string | null>(null)

  /**
   * Adds the stack being edited to the queue (a copy: the editor keeps it, ready for the next variant);
   * refuses, and says why in `queueError`, when its budget or techniques are invalid.
   */
  function addToQueue(): boolean {
    const d = draft.value
    if (!d) return false
    const entry = queueEntryFromDraft(d)
    const parsed = QueuedAttackSpec.safeParse(entry)
    const editorErrors = Object.entries(errors.value).filter(
      ([path]) => path.startsWith('attack.') || path === 'attack'
    )
    if (!parsed.success || editorErrors.length > 0) {
      queueError.value = parsed.success
        ? editorErrors.map(([path, message]) => `${path}: ${message}`).join('\n')
        : describeSpecError(parsed.error)
      return false
    }
    queueError.value = null
    d.queue.push(entry)
    return true
  }

  function removeFromQueue(index: number): void {
    draft.value?.queue.splice(index, 1)
  }

  /** Renames a queued stack; an empty label falls back to the stack name. */
  function setQueueLabel(index: number, label: string): void {
    const entry = draft.value?.queue[index]
    if (!entry) return
    if (label.trim()) entry.label = label.trim()
    else delete entry.label
  }

  /** Ticks or unticks one surrogate of a queued stack; all ticked is stored as "all" (no list). */
  function setQueueSurrogate(index: number, name: string, on: boolean): void {
    const d = draft.value
    const entry = d?.queue[index]
    if (!d || !entry) return
    const all = [...d.surrogates, ...(d.importedSurrogates ?? [])].map((m) => m.name)
    const current = new Set(entry.surrogates ?? all)
    if (on) current.add(name)
    else current.delete(name)
    const list = all.filter((n) => current.has(n))
    if (list.length === all.length) delete entry.surrogates
    else entry.surrogates = list
  }

  /** Sends the spec to the job store and leaves the form for the live job view. */
  async function start(): Promise<void> {
    const current = spec.value
    const job = useJobStore()
    if (!current || !valid.value || job.active) return
    open.value = false
    await job.start(current)
  }

  /** The error of one field, by its dotted path. */
  function errorAt(path: string): string | undefined {
    return errors.value[path]
  }
  /** The first problem at `path` or below it (e.g. an ensemble's member list and its entries). */
  function errorUnder(path: string): string | undefined {
    const key = Object.keys(errors.value).find((k) => k === path || k.startsWith(`${path}.`))
    return key === undefined ? undefined : errors.value[key]
  }

  return {
    open,
    loading,
    loadError,
    draft,
    spec,
    parsed,
    errors,
    valid,
    skipsAvailable,
    ensembleAvailable,
    toggleTechnique,
    setEnsembleMember,
    stack,
    costPerIteration,
    costAfterLateStart,
    totalCost,
    epsInput,
    stepSizeInput,
    openForm,
    openWithSpec,
    reset,
    close,
    useDataset,
    setAutoStepSize,
    setNorm,
    addModel,
    removeModel,
    applyPreset,
    setEarlyStopping,
    setTrackSharpness,
    setLgvCollect,
    queued,
    queueError,
    addToQueue,
    removeFromQueue,
    setQueueLabel,
    setQueueSurrogate,
    start,
    errorAt,
    errorUnder
  }
})
