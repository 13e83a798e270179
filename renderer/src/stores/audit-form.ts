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
  type ArchitectureId,
  type AuditSpecInput,
  type DatasetSpec
} from '@contract/audit-spec'
import {
  attackCost,
  attackCostPerIteration,
  DiConfig,
  GnConfig,
  MiConfig,
  NEEDS_SKIPS,
  NiConfig,
  RapConfig,
  SgmConfig,
  SiConfig,
  TECHNIQUES,
  VtConfig,
  type AttackStack,
  type TechniqueId
} from '@contract/attack-stack'
import { MinimizerSpec } from '@contract/minimizer-spec'
import { TRAINING_PRESETS } from '@contract/training-presets'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { useApi } from '../api/current-api'
import { messageOf } from './app'
import { useJobStore } from './job'
import { useRunsStore } from './runs'

export type ModelRole = 'surrogates' | 'targets'
type Attack = AttackSpec
type StackConfigs = Required<AttackStack>
export type EditableTechnique = Exclude<TechniqueId, 'lgv'>

/** Every editable technique's config with the paper's defaults (each schema parsed from `{}`). */
export function defaultTechniqueConfigs(): Omit<StackConfigs, 'lgv'> {
  return {
    gn: GnConfig.parse({}),
    sgm: SgmConfig.parse({}),
    di: DiConfig.parse({}),
    si: SiConfig.parse({}),
    vt: VtConfig.parse({}),
    mi: MiConfig.parse({}),
    ni: NiConfig.parse({}),
    rap: RapConfig.parse({})
  }
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
  enabled: Record<TechniqueId, boolean>
  configs: Omit<StackConfigs, 'lgv'>
  /** LGV needs member folders, which the form cannot pick yet: kept as loaded, not editable. */
  lgv: AttackStack['lgv']
}

/** Turns a spec (as the demo or the CLI writes it) into a draft; throws the contract's message when invalid. */
export function draftFromSpec(input: AuditSpecInput): FormDraft {
  const parsed = AuditSpec.safeParse(input)
  if (!parsed.success) throw new Error(describeSpecError(parsed.error))
  const spec = parsed.data
  const { stack, ...attack } = spec.attack
  const configs = defaultTechniqueConfigs()
  const enabled = Object.fromEntries(TECHNIQUES.map((id) => [id, stack[id] !== undefined])) as Record<TechniqueId, boolean>
  for (const id of TECHNIQUES) {
    if (id === 'lgv') continue
    const config = stack[id]
    if (config !== undefined) Object.assign(configs[id], config)
  }
  return {
    name: spec.name,
    seed: spec.seed,
    dataset: spec.dataset,
    surrogates: spec.surrogates,
    targets: spec.targets,
    attack: { ...attack, stepSizeAuto: input.attack?.stepSize === undefined },
    enabled,
    configs,
    lgv: stack.lgv
  }
}

/** The spec a draft stands for: what Start sends and what `AuditSpec` checks. */
export function specFromDraft(draft: FormDraft): AuditSpecInput {
  const { stepSizeAuto, stepSize, ...attack } = draft.attack
  return {
    name: draft.name,
    seed: draft.seed,
    dataset: plainCopy(draft.dataset),
    surrogates: plainCopy(draft.surrogates),
    targets: plainCopy(draft.targets),
    attack: { ...attack, ...(stepSizeAuto ? {} : { stepSize }), stack: stackOf(draft) }
  }
}

function stackOf(draft: FormDraft): AttackStack {
  const stack: AttackStack = {}
  for (const id of TECHNIQUES) {
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
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainCopy(item)])) as T
  }
  return value
}

/** Whether any surrogate can take GN and SGM (they patch the inside of residual blocks). */
export function surrogatesHaveSkips(surrogates: readonly { arch: ArchitectureId }[]): boolean {
  return surrogates.some((m) => ARCHITECTURES_WITH_SKIPS.includes(m.arch))
}

/** The preset a minimizer matches exactly (after filling defaults), or null when hand-tuned. */
export function presetOf(minimizer: MinimizerSpec): string | null {
  const key = JSON.stringify(minimizer)
  return TRAINING_PRESETS.find((p) => JSON.stringify(MinimizerSpec.parse(p.minimizer)) === key)?.id ?? null
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

  const spec = computed<AuditSpecInput | null>(() => (draft.value ? specFromDraft(draft.value) : null))
  const skipsAvailable = computed(() => (draft.value ? surrogatesHaveSkips(draft.value.surrogates) : false))

  /** Every problem, keyed by its dotted path as `describeSpecError` prints it (`attack.eps`, `surrogates.0.name`). */
  const errors = computed<Record<string, string>>(() => {
    const current = spec.value
    if (!current) return {}
    const found: Record<string, string> = {}
    const parsed = AuditSpec.safeParse(current)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.length ? issue.path.join('.') : '(spec)'
        // A cleared number field holds NaN; zod's "expected number, received NaN" says less than this.
        found[path] ??= /received NaN/.test(issue.message) ? 'enter a number' : issue.message
      }
    }
    if (!skipsAvailable.value) {
      for (const id of NEEDS_SKIPS) {
        if (draft.value?.enabled[id])
          found[`attack.stack.${id}`] = `${id.toUpperCase()} needs a surrogate with skip connections (e.g. small-resnet): untick it or change a surrogate`
      }
    }
    return found
  })
  const valid = computed(() => spec.value !== null && Object.keys(errors.value).length === 0)

  /** The ticked techniques with their settings: what the spec's `attack.stack` holds. */
  const stack = computed<AttackStack>(() => (draft.value ? stackOf(draft.value) : {}))
  /** Passes per example at the first iteration, and from RAP's late start on when RAP is ticked. */
  const costPerIteration = computed(() => attackCostPerIteration(stack.value, 0))
  const costAfterLateStart = computed(() => {
    const d = draft.value
    if (!d || !d.enabled.rap) return null
    return attackCostPerIteration(stack.value, d.configs.rap.lateStart)
  })
  const totalCost = computed(() => (draft.value ? attackCost(stack.value, draft.value.attack.steps) : 0))

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

  /** Applies a training preset to a surrogate, filling the minimizer's defaults so every field shows. */
  function applyPreset(index: number, presetId: string): void {
    const model = draft.value?.surrogates[index]
    const preset = TRAINING_PRESETS.find((p) => p.id === presetId)
    if (!model || !preset) return
    model.recipe.minimizer = MinimizerSpec.parse(plainCopy(preset.minimizer))
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

  return {
    open,
    loading,
    loadError,
    draft,
    spec,
    errors,
    valid,
    skipsAvailable,
    stack,
    costPerIteration,
    costAfterLateStart,
    totalCost,
    epsInput,
    stepSizeInput,
    openForm,
    reset,
    close,
    setAutoStepSize,
    setNorm,
    addModel,
    removeModel,
    applyPreset,
    start,
    errorAt
  }
})
