/**
 * The Harden step of an audit (`AuditSpec.harden`): train stand-ins of one target with defensive
 * recipes, attack them with the audit's stacks from the audit's surrogates, and rank the recipes.
 *
 * The stand-ins are tfjs models of the registry: the target itself when the audit trains it (same
 * architecture, width, seed and recipe, with the recipe's minimizer swapped), or an architecture
 * chosen as the closest to an in-house model. An imported ONNX or TensorFlow.js file has no
 * training graph, so it can only be hardened through stand-ins (see `checkHardenSpec`).
 *
 * Defaults: SAM ρ 0.05 (Foret et al.) and 0.1; PGD adversarial training and the robust-loss
 * flatness measures with the values of Stutz, Hein & Schiele, "Relating Adversarially Robust
 * Generalization to Flat Minima" (ICCV 2021, CIFAR-10, their only dataset; the papers give no
 * Fashion-MNIST values): L∞ ε 8/255, PGD with step 0.007 (7 steps to train, 20 to evaluate),
 * average-case flatness over 10 random layer-wise relative L2 weight perturbations of radius ξ 0.5,
 * worst-case flatness by 20 joint input/weight ascent steps in a radius ξ 0.003, 10 restarts, on
 * 1,000 test images. SAM combined with adversarial training follows Wei et al. 2024 (ρ 0.05);
 * AWP (Wu et al. 2020) uses γ 5e-3.
 */
import { z } from 'zod'
import { AdversarialTrainingSpec, LinfRadius } from './adversarial-training-spec'
import type { MinimizerSpec } from './minimizer-spec'

/** The recipes a Harden step can train; `sgd` is the baseline every other one is ranked against. */
export const HARDEN_RECIPE_IDS = ['sgd', 'sam-0.05', 'sam-0.1', 'pgd-at', 'sam-at', 'awp'] as const
export type HardenRecipeId = (typeof HARDEN_RECIPE_IDS)[number]

/** What the issue asks for by default; AWP is optional (it costs as much as adversarial training). */
export const DEFAULT_HARDEN_RECIPES: HardenRecipeId[] = [
  'sgd',
  'sam-0.05',
  'sam-0.1',
  'pgd-at',
  'sam-at'
]

export interface HardenRecipePreset {
  id: HardenRecipeId
  label: string
  minimizer: MinimizerSpec
  /** Trains on L∞ PGD examples crafted with the step's `adversarialTraining` settings. */
  adversarial: boolean
  /** Where its hyper-parameters come from. */
  source: string
}

export const HARDEN_RECIPES: Record<HardenRecipeId, HardenRecipePreset> = {
  sgd: {
    id: 'sgd',
    label: 'SGD (baseline)',
    minimizer: { id: 'sgd' },
    adversarial: false,
    source: 'the target recipe as it is'
  },
  'sam-0.05': {
    id: 'sam-0.05',
    label: 'SAM ρ 0.05',
    minimizer: { id: 'sam', rho: 0.05 },
    adversarial: false,
    source: 'Foret et al. 2021 default'
  },
  'sam-0.1': {
    id: 'sam-0.1',
    label: 'SAM ρ 0.1',
    minimizer: { id: 'sam', rho: 0.1 },
    adversarial: false,
    source: 'Wei et al. 2024: SAM alone gives some robustness'
  },
  'pgd-at': {
    id: 'pgd-at',
    label: 'PGD adversarial training',
    minimizer: { id: 'sgd' },
    adversarial: true,
    source: 'Madry et al. 2018, settings of Stutz et al. 2021'
  },
  'sam-at': {
    id: 'sam-at',
    label: 'SAM ρ 0.05 + adversarial training',
    minimizer: { id: 'sam', rho: 0.05 },
    adversarial: true,
    source: 'Wei et al. 2024'
  },
  awp: {
    id: 'awp',
    label: 'AWP (adversarial training + weight perturbation)',
    minimizer: { id: 'awp', gamma: 5e-3 },
    adversarial: true,
    source: 'Wu et al. 2020, γ 5e-3'
  }
}

/** White-box L∞ PGD on each stand-in (its own gradients): robust accuracy on the first `examples` test images. */
export const WhiteBoxSpec = z
  .strictObject({
    /** Defaults to the audit's ε (the threat the audit measures). */
    eps: LinfRadius('eps').optional(),
    steps: z.number().int().min(1).max(1000).default(20),
    /** Defaults to 0.007 · ε / (8/255). */
    stepSize: z.number().positive().max(1).optional(),
    restarts: z.number().int().min(1).max(20).default(1),
    examples: z.number().int().min(1).max(50000).default(1000)
  })
  .prefault({})

/**
 * Flatness of the robust loss in weight space (Stutz et al. 2021, §4): the robust loss is the mean
 * cross-entropy on L∞ PGD examples; weights are perturbed layer by layer relative to each layer's
 * norm (normalisation layers excluded), and the adversarial examples are recomputed on the perturbed
 * weights. Average-case: mean over random perturbations on the sphere of radius ξ·‖w_l‖, minus the
 * unperturbed robust loss. Worst-case: the largest robust loss over restarts of a joint ascent on the
 * inputs (sign steps) and the weights (layer-wise normalised steps projected onto ξ·‖w_l‖), minus it.
 */
export const FlatnessSpec = z
  .strictObject({
    examples: z.number().int().min(1).max(50000).default(1000),
    /** ε of the robust loss; defaults to the white-box ε. */
    eps: LinfRadius('eps').optional(),
    pgdSteps: z.number().int().min(1).max(1000).default(20),
    /** Defaults to 0.007 · ε / (8/255). */
    stepSize: z.number().positive().max(1).optional(),
    batchSize: z.number().int().positive().max(4096).default(100),
    average: z
      .strictObject({
        xi: z.number().gt(0).max(10).default(0.5),
        samples: z.number().int().min(1).max(100).default(10)
      })
      .prefault({}),
    worst: z
      .strictObject({
        xi: z.number().gt(0).max(10).default(0.003),
        steps: z.number().int().min(1).max(1000).default(20),
        weightStepSize: z.number().positive().max(10).default(0.01),
        restarts: z.number().int().min(1).max(100).default(10)
      })
      .prefault({})
  })
  .prefault({})

export const HardenSpec = z
  .strictObject({
    /** A target of this audit: trained (`targets`) or imported in Flatline's own format. */
    target: z.string().min(1).optional(),
    /** Or: the registry architecture closest to an in-house model (stand-ins trained from scratch). */
    arch: z.string().min(1).optional(),
    width: z.number().int().positive().max(512).optional(),
    seed: z.number().int().min(0).optional(),
    recipes: z
      .array(
        z.enum(HARDEN_RECIPE_IDS, {
          error: (issue) =>
            `unknown harden recipe ${JSON.stringify(issue.input)}: expected one of ${HARDEN_RECIPE_IDS.join(', ')}`
        })
      )
      .min(2, 'list at least the sgd baseline and one recipe to compare with it')
      .default(DEFAULT_HARDEN_RECIPES),
    /**
     * Absent unless written, so the stored spec still says whether the user set it (a budget set
     * with no adversarial recipe changes nothing: hardenWarnings); read it with `adversarialTrainingOf`.
     */
    adversarialTraining: AdversarialTrainingSpec.optional(),
    whiteBox: WhiteBoxSpec,
    flatness: FlatnessSpec,
    /** Ranking score = transfer reduction − accuracyWeight × accuracy cost (both in points). */
    ranking: z.strictObject({ accuracyWeight: z.number().min(0).max(100).default(1) }).prefault({})
  })
  .superRefine((h, ctx) => {
    if ((h.target === undefined) === (h.arch === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message:
          'give either "target" (a target of this audit to harden) or "arch" (the registry architecture closest to an in-house model), not both or neither'
      })
    if (h.target !== undefined && (h.width !== undefined || h.seed !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: [h.width !== undefined ? 'width' : 'seed'],
        message:
          'width and seed apply to "arch" stand-ins only: the stand-ins of a target keep its width and seed, so the SGD baseline is the target itself'
      })
    if (!h.recipes.includes('sgd'))
      ctx.addIssue({
        code: 'custom',
        path: ['recipes'],
        message: 'recipes must include "sgd": the baseline every other recipe is ranked against'
      })
    const twice = h.recipes.find((r, i) => h.recipes.indexOf(r) !== i)
    if (twice)
      ctx.addIssue({
        code: 'custom',
        path: ['recipes'],
        message: `recipe "${twice}" is listed twice`
      })
  })
export type HardenSpec = z.infer<typeof HardenSpec>
export type HardenSpecInput = z.input<typeof HardenSpec>

/** The adversarial-training settings the recipes use: as written, else Stutz et al.'s defaults. */
export function adversarialTrainingOf(
  h: Pick<HardenSpec, 'adversarialTraining'>
): AdversarialTrainingSpec {
  return h.adversarialTraining ?? AdversarialTrainingSpec.parse({})
}

/** Name of a recipe's stand-in model in the run (models/<name>/). */
export function standInName(recipe: HardenRecipeId): string {
  return `harden-${recipe}`
}

/** The audit fields a Harden block is checked against (spelled out to keep this file free of audit-spec). */
export interface HardenAuditFields {
  surrogates: { name: string }[]
  targets: { name: string; arch: string }[]
  importedTargets?: { name: string; format: string; path: string }[]
  validation?: { targets: { name: string }[]; importedTargets?: { name: string }[] }
  attack: { norm: string; eps: number }
}

/**
 * Checks a Harden block against its audit: a known architecture, a target of the audit that has a
 * training graph (an imported ONNX or TensorFlow.js file has none: stand-ins are offered instead),
 * an L∞ budget for the white-box attack, and stand-in names that no model of the audit already uses.
 */
export function checkHardenSpec(
  h: HardenSpec,
  audit: HardenAuditFields,
  architectures: readonly string[],
  ctx: z.RefinementCtx
): void {
  const issue = (path: (string | number)[], message: string): void =>
    ctx.addIssue({ code: 'custom', path: ['harden', ...path], message })
  if (h.arch !== undefined && !architectures.includes(h.arch))
    issue(
      ['arch'],
      `unknown architecture ${JSON.stringify(h.arch)}: expected one of ${architectures.join(', ')}`
    )
  if (h.target !== undefined) {
    const imported = audit.importedTargets?.find((t) => t.name === h.target)
    const trained = audit.targets.find((t) => t.name === h.target)
    if (imported && imported.format !== 'flatline')
      issue(['target'], noTrainingGraphMessage(imported, audit.targets))
    else if (!imported && !trained) {
      const where = audit.surrogates.some((s) => s.name === h.target)
        ? 'it is a surrogate'
        : [...(audit.validation?.targets ?? []), ...(audit.validation?.importedTargets ?? [])].some(
              (v) => v.name === h.target
            )
          ? 'it is a validation target'
          : 'no target has that name'
      const names = [...audit.targets, ...(audit.importedTargets ?? [])].map((t) => t.name)
      issue(
        ['target'],
        `cannot harden "${h.target}": ${where}; expected one of the audit's targets: ${names.join(', ') || '(none)'}`
      )
    }
  }
  if (audit.attack.norm !== 'linf' && h.whiteBox.eps === undefined)
    issue(
      ['whiteBox', 'eps'],
      `the audit attacks under ${audit.attack.norm.toUpperCase()}: give harden.whiteBox.eps, the L∞ radius of the white-box PGD (e.g. 0.0314 for 8/255)`
    )
  const names = new Set(
    [
      ...audit.surrogates,
      ...audit.targets,
      ...(audit.importedTargets ?? []),
      ...(audit.validation?.targets ?? []),
      ...(audit.validation?.importedTargets ?? [])
    ].map((m) => m.name)
  )
  for (const recipe of h.recipes)
    if (names.has(standInName(recipe)))
      issue(
        ['recipes'],
        `model name "${standInName(recipe)}" is taken: the stand-in of recipe "${recipe}" needs it; rename that model`
      )
}

/** The refusal for a file target, with the stand-ins offered in its place. */
function noTrainingGraphMessage(
  imported: { name: string; format: string; path: string },
  trained: { name: string; arch: string }[]
): string {
  const kind =
    imported.format === 'onnx' ? 'an imported ONNX model' : 'an imported TensorFlow.js model'
  const hint = trained.length
    ? ` (for example "${trained[0].arch}", the architecture of ${trained[0].name})`
    : ' (for example "small-cnn")'
  return (
    `cannot harden "${imported.name}" directly: it is ${kind} (${imported.path}) with no training graph, so Flatline cannot retrain it. ` +
    `Harden stand-ins instead: replace "target" with "arch", the registry architecture closest to it${hint}; the recipes are then compared on stand-ins trained from scratch`
  )
}

/**
 * Settings that are allowed but probably not meant, as sentences for the CLI, the form, the run
 * record (the Harden step's results keep them) and the report: an adversarial-training ε above the
 * audit's ε trains against a stronger threat than the one measured, and pays for it in natural
 * accuracy; an adversarial-training block written while no chosen recipe trains adversarially
 * changes nothing, which a user who just typed it would not guess. Both read the parsed spec only
 * (it keeps `adversarialTraining` absent unless written), so a stored run gives the same warnings.
 */
export function hardenWarnings(h: HardenSpec, audit: Pick<HardenAuditFields, 'attack'>): string[] {
  const warnings: string[] = []
  const trainsAdversarially = h.recipes.some((r) => HARDEN_RECIPES[r].adversarial)
  const at = adversarialTrainingOf(h)
  const above = audit.attack.norm === 'linf' && at.eps > audit.attack.eps + 1e-12
  const auditEps = `the audit's ε ${greyLevels(audit.attack.eps)}`
  if (trainsAdversarially && above)
    warnings.push(
      `harden.adversarialTraining.eps ${greyLevels(at.eps)} is larger than ${auditEps}: ` +
        'the stand-ins train against perturbations stronger than the attack the audit measures, which usually costs natural accuracy the threat does not call for. ' +
        `Set it to ${greyLevels(audit.attack.eps)} or less unless that is intended.`
    )
  if (!trainsAdversarially && h.adversarialTraining !== undefined) {
    const adversarial = HARDEN_RECIPE_IDS.filter((r) => HARDEN_RECIPES[r].adversarial)
    warnings.push(
      `harden.adversarialTraining is set (ε ${greyLevels(at.eps)}${above ? `, larger than ${auditEps}` : ''}) but no chosen recipe trains adversarially: ` +
        `it changes nothing unless you add ${adversarial.join(', ').replace(/, ([^,]*)$/, ' or $1')}.`
    )
  }
  return warnings
}

function greyLevels(value: number): string {
  const levels = Math.round(value * 255 * 100) / 100
  return `${Number(value.toPrecision(3))} (${levels}/255)`
}
