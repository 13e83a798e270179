/**
 * The stand-ins a Harden step trains: one model spec per recipe, all of the same architecture, width
 * and seed and the same base recipe (epochs, batch, LR, schedule, augmentation), so that only the
 * recipe's minimizer and adversarial examples differ. The base is the hardened target's own spec
 * (a trained target, or the manifest of a model Flatline trained, read from its folder by the engine:
 * main/engine/harden/stand-ins.ts), or, for a bare architecture, the audit's first trained target's
 * recipe (else its first surrogate's). Pure, so the form's time estimate plans the same stand-ins.
 */
import { AuditSpec, type ModelSpec, type TrainingRecipe } from './audit-spec'
import {
  adversarialTrainingOf,
  HARDEN_RECIPES,
  standInName,
  type HardenRecipeId,
  type HardenSpec
} from './harden-spec'
import type { HardenResults } from './harden-results'

export interface StandInBase {
  target: HardenResults['target']
  arch: ModelSpec['arch']
  width: number
  seed: number
  recipe: TrainingRecipe
}

export interface StandIn {
  recipe: HardenRecipeId
  label: string
  spec: ModelSpec
  /** The audit target whose weights this stand-in would reproduce exactly (its SGD baseline), if any. */
  sameAs?: string
}

/**
 * The base known from the spec alone: everything but a Flatline model file's manifest, for which
 * the audit's fallback recipe stands in (used only to plan and cost the tasks).
 */
export function plannedBase(spec: AuditSpec, harden: HardenSpec): StandInBase {
  const fallbackRecipe = (spec.targets[0] ?? spec.surrogates[0]).recipe
  const trained = spec.targets.find((t) => t.name === harden.target)
  if (trained)
    return {
      target: {
        name: trained.name,
        arch: trained.arch,
        width: trained.width,
        source: 'trained target'
      },
      arch: trained.arch,
      width: trained.width,
      seed: trained.seed,
      recipe: trained.recipe
    }
  return {
    target:
      harden.arch !== undefined
        ? { arch: harden.arch, width: harden.width ?? 16, source: 'architecture' }
        : { name: harden.target, arch: 'small-cnn', width: 16, source: 'flatline file' },
    arch: (harden.arch ?? 'small-cnn') as ModelSpec['arch'],
    width: harden.width ?? 16,
    seed: harden.seed ?? spec.seed,
    recipe: fallbackRecipe
  }
}

/** Where each recipe's stand-in comes from in the run: its own training, or the target it reproduces. */
export interface HardenModel {
  recipe: HardenRecipeId
  label: string
  /** The train task whose result (hash) names its weights, and the run folder holding them. */
  trainTask: string
  folder: string
  /** The audit target it is identical to (the SGD baseline of a trained target), if any. */
  reusedTarget?: string
}

export function hardenModels(spec: AuditSpec, harden: HardenSpec): HardenModel[] {
  return standIns(plannedBase(spec, harden), harden).map((s) => {
    const name = s.sameAs ?? s.spec.name
    return {
      recipe: s.recipe,
      label: s.label,
      trainTask: `train-${name}`,
      folder: `models/${name}`,
      ...(s.sameAs ? { reusedTarget: s.sameAs } : {})
    }
  })
}

export function standIns(base: StandInBase, harden: HardenSpec): StandIn[] {
  return harden.recipes.map((id) => {
    const preset = HARDEN_RECIPES[id]
    const { adversarial: _none, ...clean } = base.recipe
    const recipe: TrainingRecipe = {
      ...clean,
      minimizer: preset.minimizer,
      ...(preset.adversarial ? { adversarial: adversarialTrainingOf(harden) } : {})
    }
    const spec: ModelSpec = {
      name: standInName(id),
      arch: base.arch,
      width: base.width,
      seed: base.seed,
      recipe
    }
    const sameAs =
      base.target.source === 'trained target' && sameTraining(recipe, base.recipe)
        ? base.target.name
        : undefined
    return { recipe: id, label: preset.label, spec, ...(sameAs ? { sameAs } : {}) }
  })
}

/** Same weights from the same arch, width and seed: the recipes agree field for field. */
function sameTraining(a: TrainingRecipe, b: TrainingRecipe): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b))
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sorted(v)])
    )
  return value
}

/**
 * The stand-ins an audit spec (as typed) will train for its Harden step, when it hardens one of its
 * trained targets (`of`): what the form's time estimate adds to the targets. Empty otherwise.
 */
export function hardenStandInsToTrain(input: unknown): { of: string; spec: ModelSpec }[] {
  const parsed = AuditSpec.safeParse(input)
  if (!parsed.success || !parsed.data.harden) return []
  const spec = parsed.data
  const base = plannedBase(spec, spec.harden!)
  if (base.target.source !== 'trained target') return []
  return standIns(base, spec.harden!).flatMap((s) =>
    s.sameAs ? [] : [{ of: base.target.name!, spec: s.spec }]
  )
}
