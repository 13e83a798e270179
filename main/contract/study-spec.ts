/**
 * A study (issue 14): the paper's claims checked on the user's data, with their statistics. It is
 * an audit plan over Table 3's rows × surrogate architectures × seeds, with per-epoch tracking of
 * the SGD surrogates (Figures 4 and 5) and Table 4's techniques on SGD and l-SAM surrogates. Seeds
 * change the surrogates' initialisation and data order; targets, validation targets, the data split
 * and the attacked images stay fixed. A spec file like an audit's; unknown keys are errors.
 */
import { z } from 'zod'
import { TECHNIQUES } from './attack-stack'
import { LgvConfig } from './techniques/lgv'
import {
  ARCHITECTURES_WITH_SKIPS,
  ArchitectureId,
  DatasetSpec,
  ModelSpec,
  SharpnessTracking,
  TrainingRecipe,
  trainedIdentity,
  ValidationSpec
} from './audit-spec'
import { knownDatasetSize } from './time-estimate'
import { CORE_ROWS, ROWS_FROM_SGD, STUDY_ROWS, studySurrogateName } from './study-rows'

const { minimizer: _minimizer, ...recipeFields } = TrainingRecipe.shape

/** One surrogate architecture: every row is trained (or derived) on it, for every seed. */
export const StudySurrogate = z.strictObject({
  arch: ArchitectureId,
  width: z.number().int().positive().max(512).default(16)
})

export const StudyAttack = z.strictObject({
  norm: z.enum(['linf', 'l2']).default('linf'),
  /** Fashion-MNIST CNNs barely transfer at the paper's 4/255 (DEVELOPERS.md budgets): 16/255 by default. */
  eps: z
    .number()
    .gt(0)
    .max(1000)
    .default(16 / 255),
  steps: z.number().int().min(1).max(10000).default(50),
  stepSize: z.number().positive().max(1000).optional(),
  batchSize: z.number().int().positive().max(4096).default(100),
  /** Test images attacked per surrogate: the first of those every test target classifies correctly. */
  maxExamples: z.number().int().positive().max(50000).default(500)
})

export const StudySpec = z
  .strictObject({
    name: z.string().trim().min(1).max(120).default('study'),
    /** Surrogate seeds; each cell is the mean ± 2 std over them. */
    seeds: z
      .array(z.number().int().min(0))
      .min(1, 'give at least 2 seeds')
      .max(10, 'at most 10 seeds')
      .default([1, 2, 3]),
    dataset: DatasetSpec.strict(),
    /** Every surrogate's SGD recipe; the rows change only the minimizer (paper: "the same hyperparameters"). */
    recipe: z.strictObject(recipeFields).prefault({}),
    surrogates: z
      .array(StudySurrogate)
      .min(1, 'a study needs at least one surrogate architecture')
      .max(4),
    rows: z
      .array(z.enum(STUDY_ROWS))
      .min(1)
      .default([...CORE_ROWS]),
    /** Test targets: trained once (the same for every seed) and kept in the zoo for later studies. */
    targets: z.array(ModelSpec).min(1, 'a study needs at least one test target'),
    /** Validation targets and images, never scored on test data: early stopping and the per-epoch curves. */
    validation: z.strictObject({
      targets: z.array(ModelSpec).min(1, 'early stopping needs at least one validation target'),
      examples: z.number().int().min(1).max(50000).default(500),
      attack: ValidationSpec.shape.attack
    }),
    attack: StudyAttack.prefault({}),
    /** Table 4: each technique alone on BIM, from the SGD and the l-SAM surrogate of these architectures. */
    techniques: z
      .strictObject({
        surrogates: z
          .array(ArchitectureId)
          .min(1, 'name the surrogate architectures Table 4 attacks from'),
        list: z
          .array(z.enum(TECHNIQUES))
          .min(1)
          .default([...TECHNIQUES])
      })
      .optional(),
    /** LGV's collection (the LGV row and Table 4's LGV): paper recipe, 4 members per epoch for 10 epochs. */
    lgv: LgvConfig.shape.collect.unwrap().prefault({}),
    /** Figure 5: the Hessian's λmax and trace of the SGD surrogates at every epoch (left out: no sharpness curves). */
    track: z.strictObject({ sharpness: SharpnessTracking.strict().optional() }).prefault({}),
    /** Engine workers for the audits (the worker pool); left out, one per core. */
    workers: z.number().int().min(1).max(64).optional()
  })
  .superRefine((spec, ctx) => {
    const issue = (path: (string | number)[], message: string): void =>
      ctx.addIssue({ code: 'custom', path, message })
    if (spec.seeds.length < 2)
      issue(
        ['seeds'],
        'a verdict compares mean ± 2 std over seeds, which needs at least 2 seeds (the paper uses 3): add a seed'
      )
    const twice = spec.seeds.find((s, i) => spec.seeds.indexOf(s) !== i)
    if (twice !== undefined)
      issue(['seeds'], `seed ${twice} is listed twice: each seed must train other surrogates`)
    checkDataset(spec, issue)
    checkModels(spec, issue)
    checkRows(spec, issue)
  })
export type StudySpec = z.infer<typeof StudySpec>
export type StudySpecInput = z.input<typeof StudySpec>

type IssueAt = (path: (string | number)[], message: string) => void

/** Held-out images for early stopping, enough of them, and (when the size is known) a train split left. */
function checkDataset(spec: StudySpec, issue: IssueAt): void {
  const { validationSize } = spec.dataset
  if (validationSize === 0) {
    issue(
      ['dataset', 'validationSize'],
      'a study chooses the early-stopped epoch on held-out images: set dataset.validationSize (e.g. 2000)'
    )
    return
  }
  if (spec.validation.examples > validationSize)
    issue(
      ['dataset', 'validationSize'],
      `dataset.validationSize (${validationSize}) is smaller than validation.examples (${spec.validation.examples}): raise validationSize or lower validation.examples`
    )
  const known = knownDatasetSize({ ...spec.dataset, validationSize: 0 })
  if (known) checkTrainLeft(known.train, validationSize, spec.recipe.batchSize, issue)
  if (spec.dataset.source !== 'embedded' && !spec.dataset.path)
    issue(
      ['dataset', 'path'],
      `a "${spec.dataset.source}" dataset needs a path (the folder to read)`
    )
}

/** The training images left after the validation split must fill at least one batch. */
export function checkTrainLeft(
  trainImages: number,
  validationSize: number,
  batchSize: number,
  issue: IssueAt
): void {
  if (validationSize >= trainImages || trainImages - validationSize < batchSize)
    issue(
      ['dataset', 'validationSize'],
      `the dataset is too small for dataset.validationSize ${validationSize}: it has ${trainImages} training images (after trainLimit), which leaves ` +
        `${Math.max(0, trainImages - validationSize)} to train on, fewer than one batch of ${batchSize}: lower validationSize or use more images`
    )
}

/** Unique names, no validation target among the test targets, no name a surrogate of the study takes. */
function checkModels(spec: StudySpec, issue: IssueAt): void {
  const taken = new Set(
    spec.rows.flatMap((row) => spec.surrogates.map((s) => studySurrogateName(row, s.arch)))
  )
  const seen = new Set<string>()
  const models: [string, ModelSpec[]][] = [
    ['targets', spec.targets],
    ['validation.targets', spec.validation.targets]
  ]
  for (const [where, list] of models)
    list.forEach((m, i) => {
      const path = [...where.split('.'), i, 'name']
      if (seen.has(m.name)) issue(path, `model name "${m.name}" is used twice`)
      if (taken.has(m.name))
        issue(path, `"${m.name}" is the name of one of the study's surrogates: choose another`)
      if (m.earlyStopping || m.track)
        issue(
          [...where.split('.'), i],
          `${where} "${m.name}": earlyStopping and track apply to surrogates only`
        )
      seen.add(m.name)
    })
  spec.validation.targets.forEach((v, i) => {
    const twin = spec.targets.find(
      (t) => t.name === v.name || trainedIdentity(t) === trainedIdentity(v)
    )
    if (twin)
      issue(
        ['validation', 'targets', i],
        `validation target "${v.name}" is also test target "${twin.name}" (same name, or same arch, width, seed and recipe): ` +
          'choosing the early-stopped epoch must never look at a test target — change its seed or architecture'
      )
  })
  const arches = spec.surrogates.map((s) => s.arch)
  const dup = arches.find((a, i) => arches.indexOf(a) !== i)
  if (dup)
    issue(
      ['surrogates'],
      `surrogate architecture ${dup} is listed twice: one width per architecture`
    )
}

/** Rows read from SGD need the SGD row; Table 4 needs SGD and l-SAM on architectures the techniques apply to. */
function checkRows(spec: StudySpec, issue: IssueAt): void {
  const dupRow = spec.rows.find((r, i) => spec.rows.indexOf(r) !== i)
  if (dupRow) issue(['rows'], `row "${dupRow}" is listed twice`)
  const fromSgd = spec.rows.filter((r) => ROWS_FROM_SGD.includes(r))
  if (fromSgd.length > 0 && !spec.rows.includes('sgd'))
    issue(
      ['rows'],
      `${fromSgd.join(', ')} ${fromSgd.length > 1 ? 'are' : 'is'} read from the SGD surrogate: add "sgd" to rows`
    )
  const t = spec.techniques
  if (!t) return
  const missing = (['sgd', 'l-sam'] as const).filter((r) => !spec.rows.includes(r))
  if (missing.length)
    issue(
      ['techniques'],
      `Table 4 compares each technique on SGD and l-SAM surrogates: add ${missing.map((r) => `"${r}"`).join(' and ')} to rows`
    )
  t.surrogates.forEach((arch, i) => {
    if (!spec.surrogates.some((s) => s.arch === arch))
      issue(
        ['techniques', 'surrogates', i],
        `${arch} is not one of the study's surrogates (${spec.surrogates.map((s) => s.arch).join(', ')})`
      )
    const needsSkips = t.list.filter((id) => id === 'gn' || id === 'sgm')
    if (needsSkips.length && !ARCHITECTURES_WITH_SKIPS.includes(arch))
      issue(
        ['techniques', 'surrogates', i],
        `${needsSkips.map((id) => id.toUpperCase()).join(' and ')} need skip connections, which ${arch} has not: use e.g. small-resnet`
      )
  })
}
