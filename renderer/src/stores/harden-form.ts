/**
 * The Harden part of the New audit form (harden-spec.ts), kept apart from the form store it edits:
 * switching the step on, choosing what to harden (a trained target, a Flatline model file, or
 * stand-ins of a registry architecture when the target is an ONNX or TensorFlow.js file without a
 * training graph), the recipes, the adversarial-training budget, the contract's warnings; and
 * opening the form from a completed run to harden one of its targets.
 */
import type { AuditSpecInput } from '@contract/audit-spec'
import { DEFAULT_HARDEN_RECIPES, hardenWarnings, type HardenRecipeId } from '@contract/harden-spec'
import type { RunRecord } from '@contract/run-record'
import { defineStore, storeToRefs } from 'pinia'
import { computed } from 'vue'
import { useAuditFormStore } from './audit-form'

/** What can be hardened: every test target, with whether it has a training graph. */
export interface HardenChoice {
  name: string
  kind: 'trained' | 'flatline' | 'file'
  /** For a file: "onnx" or "tfjs". */
  format?: string
}

/** Paths of the harden block that the card shows beside their own field. */
const CARD_FIELDS = [
  'harden.target',
  'harden.arch',
  'harden.adversarialTraining.eps',
  'harden.adversarialTraining.steps',
  'harden.recipes'
]

/** The quick measurement preset (see `measurement`). */
const QUICK = {
  whiteBox: { examples: 200, steps: 10 },
  flatness: {
    examples: 200,
    pgdSteps: 10,
    average: { samples: 3 },
    worst: { steps: 10, restarts: 3 }
  }
}

export const useHardenFormStore = defineStore('harden-form', () => {
  const form = useAuditFormStore()
  const { draft, parsed, errors } = storeToRefs(form)

  const harden = computed(() => draft.value?.harden)
  const choices = computed<HardenChoice[]>(() => [
    ...(draft.value?.targets ?? []).map((t) => ({ name: t.name, kind: 'trained' as const })),
    ...(draft.value?.importedTargets ?? []).map((t) =>
      t.format === 'flatline'
        ? { name: t.name, kind: 'flatline' as const }
        : { name: t.name, kind: 'file' as const, format: t.format }
    )
  ])
  /** The architecture offered for stand-ins: the first trained target's, else small-cnn. */
  const standInArch = computed(() => draft.value?.targets[0]?.arch ?? 'small-cnn')
  /** The chosen target is a file without a training graph: the form offers stand-ins instead. */
  const needsStandIns = computed(
    () => choices.value.find((c) => c.name === harden.value?.target)?.kind === 'file'
  )
  /** The contract's warnings on a spec that parses (an adversarial-training ε above the audit's, one no recipe uses, …). */
  const warnings = computed<string[]>(() => {
    const checked = parsed.value
    return checked?.success && checked.data.harden
      ? hardenWarnings(checked.data.harden, checked.data)
      : []
  })
  /** Problems of the harden block that no field of the card shows (a loaded spec's harden.width, harden.flatness…), as "path: message". */
  const problems = computed<string[]>(() =>
    Object.entries(errors.value)
      .filter(
        ([path]) => (path === 'harden' || path.startsWith('harden.')) && !CARD_FIELDS.includes(path)
      )
      .map(([path, message]) => `${path}: ${message}`)
  )
  /**
   * Why `warnings` is empty without meaning "nothing to warn about": the spec does not parse, so the
   * warnings cannot be checked yet. Holds the first problem to fix, else null.
   */
  const uncheckedBecause = computed<string | null>(() => {
    if (!harden.value || parsed.value?.success !== false) return null
    const [path, message] = Object.entries(errors.value)[0] ?? ['(spec)', 'the spec does not parse']
    return `${path}: ${message}`
  })

  function setEnabled(on: boolean): void {
    const d = draft.value
    if (!d) return
    if (!on) delete d.harden
    else
      d.harden ??= {
        target: choices.value.find((c) => c.kind !== 'file')?.name ?? choices.value[0]?.name,
        recipes: [...DEFAULT_HARDEN_RECIPES]
      }
  }

  /** Hardens `name`; keeps the recipes and settings chosen so far. */
  function setTarget(name: string): void {
    const h = draft.value?.harden
    if (!h) return
    delete h.arch
    delete h.width
    delete h.seed
    h.target = name
  }

  /** Stand-ins of a registry architecture instead of a target (the answer to a file target). */
  function useStandIns(arch: string = standInArch.value): void {
    const h = draft.value?.harden
    if (!h) return
    delete h.target
    h.arch = arch
  }

  function setRecipe(id: HardenRecipeId, on: boolean): void {
    const h = draft.value?.harden
    if (!h) return
    const recipes = h.recipes ?? [...DEFAULT_HARDEN_RECIPES]
    h.recipes = on ? [...new Set([...recipes, id])] : recipes.filter((r) => r !== id)
  }

  /** The adversarial-training ε in /255 units, as the attack's ε is typed. */
  const atEps255 = computed<number>({
    get: () => 255 * (harden.value?.adversarialTraining?.eps ?? 8 / 255),
    set: (value) => {
      const h = draft.value?.harden
      if (h) h.adversarialTraining = { ...h.adversarialTraining, eps: value / 255 }
    }
  })
  const atSteps = computed<number>({
    get: () => harden.value?.adversarialTraining?.steps ?? 7,
    set: (value) => {
      const h = draft.value?.harden
      if (h) h.adversarialTraining = { ...h.adversarialTraining, steps: value }
    }
  })

  /**
   * How thoroughly the stand-ins are measured: the paper's settings (1,000 images, 10 random and 10
   * worst-case perturbations, PGD-20), or a quick look (200 images, 3 and 3, PGD-10) that costs a
   * fraction and is noisier.
   */
  const measurement = computed<'paper' | 'quick'>({
    get: () => (harden.value?.flatness?.examples === QUICK.flatness.examples ? 'quick' : 'paper'),
    set: (value) => {
      const h = draft.value?.harden
      if (!h) return
      if (value === 'quick') Object.assign(h, JSON.parse(JSON.stringify(QUICK)))
      else {
        delete h.flatness
        delete h.whiteBox
      }
    }
  })

  /** Opens the New audit form on a completed run's spec with a Harden step on `target` (its most exposed target by default). */
  function hardenRun(run: RunRecord, target?: string): void {
    const transfer = run.results?.transfer ?? []
    const exposed = [...transfer].sort((a, b) => b.successRate - a.successRate).map((c) => c.target)
    const trained = run.spec.targets.map((t) => t.name)
    const chosen = target ?? exposed.find((t) => trained.includes(t)) ?? exposed[0] ?? trained[0]
    const input: AuditSpecInput = {
      ...JSON.parse(JSON.stringify(run.spec)),
      name: `${run.name} + harden`,
      harden: { target: chosen, recipes: [...DEFAULT_HARDEN_RECIPES] }
    }
    form.openWithSpec(input)
  }

  return {
    measurement,
    harden,
    choices,
    standInArch,
    needsStandIns,
    warnings,
    problems,
    uncheckedBecause,
    atEps255,
    atSteps,
    setEnabled,
    setTarget,
    useStandIns,
    setRecipe,
    hardenRun
  }
})
