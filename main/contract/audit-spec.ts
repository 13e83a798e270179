/**
 * Audit specification: what to train, how to attack, and what to measure.
 *
 * One schema serves the app (the "Run demo audit" button sends the demo spec), the CLI
 * (`--spec file.json`) and the browser mode. Every field has the paper's default where the
 * paper has one; the demo overrides ε to 16/255 because Fashion-MNIST CNNs barely transfer at 4/255.
 */
import { z } from 'zod'
import { AdversarialTrainingSpec } from './adversarial-training-spec'
import { WorkerCount } from './execution'
import { AttackStack } from './attack-stack'
import { checkHardenSpec, HardenSpec } from './harden-spec'
import { checkEnsembleMembers } from './techniques/ensemble-members'
import { budgetProblems } from './techniques/stack-rules'
import { DerivedSurrogateSpec, derivedSurrogateIssues } from './derived-surrogate'
import { MinimizerSpec } from './minimizer-spec'
import { ModelName } from './model-name'
import { ImportedSurrogateSpec, isImportedSurrogate, trainedSurrogates } from './onnx-surrogate'
import { TargetPreprocessing } from './target-preprocessing'

// Every object below is strict: an unknown key fails the parse, named with a hint (strict-keys.ts).
export { describeSpecError } from './strict-keys'

/** Architectures the engine can build. Issue 5 grows this list. */
export const ARCHITECTURES = [
  'small-cnn',
  'small-cnn-max',
  'small-resnet',
  'resnet-18',
  'resnet-34',
  'resnet-50',
  'resnet-101',
  'vgg-11',
  'vgg-13',
  'vgg-16',
  'vgg-19',
  'densenet-121',
  'densenet-161',
  'densenet-201',
  'wrn-16-8',
  'wrn-28-10',
  'googlenet',
  'convmixer',
  'mlp-mixer',
  'mlp'
] as const
/**
 * Architectures whose blocks have skip connections, where GN and SGM apply (NEEDS_SKIPS). Kept here so
 * the UI need not import the engine; a unit test checks it against the registry's `hasSkipConnections`.
 */
export const ARCHITECTURES_WITH_SKIPS: readonly (typeof ARCHITECTURES)[number][] = [
  'small-resnet',
  'resnet-18',
  'resnet-34',
  'resnet-50',
  'resnet-101',
  'densenet-121',
  'densenet-161',
  'densenet-201',
  'wrn-16-8',
  'wrn-28-10',
  'convmixer',
  'mlp-mixer'
]
export const ArchitectureId = z.enum(ARCHITECTURES, {
  error: (issue) =>
    `unknown architecture ${JSON.stringify(issue.input)}: expected one of ${ARCHITECTURES.join(', ')}`
})
export type ArchitectureId = z.infer<typeof ArchitectureId>

/** Learning-rate schedules of training spec §1.4 (plus cosine); the LR is constant inside an epoch. */
export const LrSchedule = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('step'),
      /** Divide the LR by `1/gamma` every `every` epochs (paper: ÷10 every 50 epochs on CIFAR-10). */
      every: z.number().int().positive().default(50),
      gamma: z.number().positive().max(1).default(0.1)
    }),
    /** One decay: the initial LR up to epoch `at`, times `gamma` after (paper §4 LR-decay timing experiment). */
    z.strictObject({
      kind: z.literal('single-decay'),
      at: z.number().int().positive(),
      gamma: z.number().positive().max(1).default(0.1)
    }),
    /** Decays after each listed epoch (PyTorch's MultiStepLR): [12, 18] of 24 is ÷10 at 50 % and 75 % of training. */
    z.strictObject({
      kind: z.literal('multi-step'),
      at: z
        .array(z.number().int().positive())
        .min(1, 'list at least one epoch to decay after')
        .refine(
          (at) => at.every((e, i) => i === 0 || e > at[i - 1]),
          'the decay epochs must increase'
        ),
      gamma: z.number().positive().max(1).default(0.1)
    }),
    z.strictObject({ kind: z.literal('constant') }),
    /** Cosine from the initial LR at epoch 1 down to `minLr` at the last epoch. */
    z.strictObject({ kind: z.literal('cosine'), minLr: z.number().min(0).default(0) })
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'unknown LR schedule kind: expected one of step, single-decay, multi-step, constant, cosine'
        : undefined
  }
)
export type LrSchedule = z.infer<typeof LrSchedule>

/** SGD with momentum and coupled weight decay, the base recipe of every surrogate and target. */
export const TrainingRecipe = z.strictObject({
  optimizer: z.literal('sgd').default('sgd'),
  epochs: z.number().int().positive().max(1000).default(150),
  batchSize: z.number().int().positive().max(4096).default(128),
  lr: z.number().positive().max(10).default(0.1),
  momentum: z.number().min(0).max(1).default(0.9),
  weightDecay: z.number().min(0).max(1).default(5e-4),
  lrSchedule: LrSchedule.default({ kind: 'step', every: 50, gamma: 0.1 }),
  /** The minimizer wrapped around the SGD step above; `sgd` keeps older specs valid. */
  minimizer: MinimizerSpec.default({ id: 'sgd' }),
  /** Train on L∞ PGD examples (adversarial training) with the minimizer above stepping on them; absent: clean batches. */
  adversarial: AdversarialTrainingSpec.optional(),
  augment: z
    .strictObject({
      cropPadding: z.number().int().min(0).max(16).default(4),
      flip: z.boolean().default(true)
    })
    .default({ cropPadding: 4, flip: true })
})
export type TrainingRecipe = z.infer<typeof TrainingRecipe>

/**
 * Per-epoch Hessian sharpness (training spec §8): a fixed seeded sample of `examples` training images,
 * `iterations` power-iteration steps at most for λmax and `hutchinsonSamples` Rademacher probes for the
 * trace. Each Hessian-vector product costs two gradients over the sample, so one epoch's measure is
 * about 2·(iterations + hutchinsonSamples) passes over it.
 */
export const SharpnessTracking = z.strictObject({
  examples: z.number().int().min(1).max(50000).default(1000),
  iterations: z.number().int().min(1).max(1000).default(20),
  hutchinsonSamples: z.number().int().min(1).max(1000).default(10)
})
export type SharpnessTracking = z.infer<typeof SharpnessTracking>

export const ModelSpec = z.strictObject({
  /** Short name unique within the audit, shown in the heatmap (e.g. "surrogate-cnn"). */
  name: ModelName,
  arch: ArchitectureId,
  /** Width multiplier: channels of the first stage. */
  width: z.number().int().positive().max(512).default(16),
  seed: z.number().int().min(0).default(0),
  recipe: TrainingRecipe.default(TrainingRecipe.parse({})),
  /**
   * Surrogates only (training spec §3): after training, use the epoch whose checkpoint transfers best
   * to the validation targets as the surrogate (ties → earliest). Needs the audit's `validation` block;
   * implies per-epoch validation transfer.
   */
  earlyStopping: z.boolean().optional(),
  /** Surrogates only: per-epoch curves recorded without changing the surrogate (the paper's Figure 5). */
  track: z
    .strictObject({
      /** BIM from every epoch's checkpoint, scored on the validation targets (needs `validation`). */
      transfer: z.boolean().optional(),
      /** λmax and trace of the training-loss Hessian at every epoch (training spec §8). */
      sharpness: SharpnessTracking.optional()
    })
    .optional()
})
export type ModelSpec = z.infer<typeof ModelSpec>

/**
 * An in-house target the audit loads instead of training: an ONNX file or a TensorFlow.js model.json
 * (a relative path is read from the working directory, like `dataset.path`), with the preprocessing
 * that turns the audit's [0,1] NHWC pixels into its input; or ('flatline') the folder of a model a
 * run of this app trained (manifest.json + weights), whose preprocessing is implicit (it normalises inside).
 */
export const ImportedTargetSpec = z.strictObject({
  name: ModelSpec.shape.name,
  format: z.enum(['onnx', 'tfjs', 'flatline'], {
    error: (issue) =>
      `unknown format ${JSON.stringify(issue.input)}: expected "onnx", "tfjs" or "flatline"`
  }),
  path: z.string().min(1, 'give the model file: a .onnx file or a TensorFlow.js model.json'),
  preprocessing: TargetPreprocessing.prefault({}),
  /**
   * Audit it even when the import check warns (near chance, or another usual preprocessing clearly
   * better): the warning then goes into the run page, the CLI output and the report. Without it, such a
   * target stops the audit before anything trains.
   */
  acceptCheck: z.boolean().optional()
})
export type ImportedTargetSpec = z.infer<typeof ImportedTargetSpec>

/**
 * An entry of `surrogates`: an architecture trained by the audit (ModelSpec) or, with `format`, an
 * imported ONNX model (onnx-surrogate.ts). Dispatched on `format` so errors name the right fields.
 */
export const SurrogateSpec = z
  .unknown()
  .transform((value, ctx): ModelSpec | ImportedSurrogateSpec => {
    const schema =
      value && typeof value === 'object' && 'format' in value ? ImportedSurrogateSpec : ModelSpec
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    // Forwarded whole, so an unknown key keeps its code (describeSpecError's "did you mean").
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, path: issue.path as PropertyKey[] } as Parameters<
        typeof ctx.addIssue
      >[0])
    return z.NEVER
  })
export type SurrogateSpec = ModelSpec | ImportedSurrogateSpec

export const DatasetSpec = z.strictObject({
  /**
   * 'embedded' is the Fashion-MNIST subset shipped in resources/; the others read `path`: 'idx-folder'
   * (MNIST-style idx files), 'cifar-binary' (CIFAR-10/100 binary batches), 'image-folder'
   * (train/<class>/ and test/<class>/ of PNG or JPEG images).
   */
  source: z.enum(['embedded', 'idx-folder', 'cifar-binary', 'image-folder']).default('embedded'),
  path: z.string().optional(),
  /** Use at most this many training / test images (0 = all). */
  trainLimit: z.number().int().min(0).default(0),
  testLimit: z.number().int().min(0).default(0),
  /**
   * Training images (after `trainLimit`) held out as a validation split, class-stratified and drawn with
   * `splitSeed`: never trained on, used only by `validation` (early stopping, tracked transfer).
   */
  validationSize: z.number().int().min(0).default(0),
  /** Seed of the validation split; defaults to the audit seed. */
  splitSeed: z.number().int().min(0).optional(),
  /** 'image-folder' only: resize every image to imageSize × imageSize (else every image must have the first one's size). */
  imageSize: z
    .number()
    .int()
    .min(8, 'imageSize must be at least 8 pixels')
    .max(512, 'imageSize must be at most 512 pixels')
    .optional()
})
export type DatasetSpec = z.infer<typeof DatasetSpec>

const EPS_LINF_MESSAGE =
  'eps must be in (0, 1]: it is an L∞ radius in [0,1] pixel units, e.g. 0.0627 for 16/255'

/**
 * How to attack: BIM under L∞ (the paper's setting) or L2 (app extension, spec §3.2), plus any stack
 * of transferability techniques (`stack`, see attack-stack.ts). `{ eps, steps, maxExamples }` alone
 * still means plain BIM. Each run is repeated over `repeats` seeds (seed, seed+1, …) and reported as
 * mean ± 2 std; deterministic stacks give the same value every repeat.
 */
export const AttackSpec = z
  .strictObject({
    method: z.literal('bim').default('bim'),
    norm: z
      .enum(['linf', 'l2'], {
        error: (issue) => `unknown norm ${JSON.stringify(issue.input)}: expected "linf" or "l2"`
      })
      .default('linf'),
    /** Radius in [0,1] pixel units: L∞ (paper default 4/255) or L2 (e.g. 0.5 as in Gubri 2022 on CIFAR-10). */
    eps: z
      .number()
      .gt(0, EPS_LINF_MESSAGE)
      .max(1000, 'eps must be at most 1000')
      .default(4 / 255),
    steps: z.number().int().min(1).max(10000).default(50),
    /** Step size; defaults to eps/10 as in the paper. */
    stepSize: z.number().positive().max(1000).optional(),
    batchSize: z.number().int().positive().max(4096).default(100),
    /** Attack at most this many test images (those all targets classify correctly). */
    maxExamples: z.number().int().positive().default(1000),
    /** Transferability techniques on top of BIM; `{}` is plain BIM. */
    stack: AttackStack.default({}),
    /** Seed of the attack's own randomness (DI, GN, VT, RAP, LGV order); defaults to the audit seed. */
    seed: z.number().int().min(0).optional(),
    /** Attack repetitions over seeds, for mean ± 2 std (3 by default; 1 for a quick look). */
    repeats: z.number().int().min(1).max(20).default(3),
    /**
     * Targeted mode (extension; the paper is untargeted): aim every example at class (y + 1) mod C and
     * count a target as fooled only when it predicts that class.
     */
    targeted: z.boolean().default(false),
    /** Write the first repeat's examples as PNGs plus a CSV of labels and predictions to the run folder. */
    exportExamples: z.boolean().default(false)
  })
  .superRefine((a, ctx) => {
    if (a.norm === 'linf' && a.eps > 1)
      ctx.addIssue({ code: 'custom', path: ['eps'], message: EPS_LINF_MESSAGE })
    if (a.norm === 'linf' && a.stepSize !== undefined && a.stepSize > 1)
      ctx.addIssue({ code: 'custom', path: ['stepSize'], message: 'stepSize must be ≤ 1 under L∞' })
    for (const p of budgetProblems(a.stack, a))
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
  })
  .transform((a) => ({ ...a, stepSize: a.stepSize ?? a.eps / 10 }))
export type AttackSpec = z.infer<typeof AttackSpec>

/**
 * One entry of an attack queue (`AuditSpec.attacks`): an attack with the row label it is reported
 * under (default: its stack's short name, made unique; see attack-queue.ts) and the surrogates it
 * attacks from (default: all of them).
 */
export const QueuedAttackSpec = AttackSpec.in
  .safeExtend({
    label: z
      .string()
      .trim()
      .min(1, 'a queued stack label cannot be empty: leave it out to use the stack name')
      .max(80)
      .optional(),
    surrogates: z
      .array(z.string().min(1))
      .min(1, 'list at least one surrogate, or leave surrogates out to attack from all')
      .optional()
  })
  .transform((a) => ({ ...a, stepSize: a.stepSize ?? a.eps / 10 }))
export type QueuedAttackSpec = z.infer<typeof QueuedAttackSpec>
export type QueuedAttackInput = z.input<typeof QueuedAttackSpec>

/** The plain attack of a queue entry: the entry without its label and surrogate list. */
export function attackOfEntry(entry: QueuedAttackSpec): AttackSpec {
  const { label: _label, surrogates: _surrogates, ...attack } = entry
  return attack
}

/** The one attack a spec stands for: the queue's first stack, the given `attack`, or the default BIM. */
function effectiveAttack(spec: { attack?: AttackSpec; attacks?: QueuedAttackSpec[] }): AttackSpec {
  // Refinements also run on a spec with other problems: a queue may be empty or hold a malformed entry here.
  const first = spec.attacks?.[0]
  if (spec.attacks)
    return first && typeof first === 'object' ? attackOfEntry(first) : AttackSpec.parse({})
  return spec.attack ?? AttackSpec.parse({})
}

/** JSON with sorted keys, so two parsed attacks compare equal whatever order their keys were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`
  return JSON.stringify(value)
}

/**
 * Checks a queue against the audit: not given together with a different `attack`, known surrogate
 * names, one `maxExamples` (every stack attacks the same examples) and no label used twice.
 */
function checkAttackQueue(
  spec: {
    attack?: AttackSpec
    attacks?: QueuedAttackSpec[]
    surrogates: { name: string }[]
    derivedSurrogates?: { name: string }[]
  },
  ctx: z.RefinementCtx
): void {
  const queue = spec.attacks
  if (!queue?.length || !queue.every((entry) => entry && typeof entry === 'object')) return
  // A parsed spec carries `attack` = the queue's first entry, so re-parsing a stored spec stays valid.
  if (spec.attack && canonicalJson(spec.attack) !== canonicalJson(attackOfEntry(queue[0])))
    ctx.addIssue({
      code: 'custom',
      path: ['attacks'],
      message:
        'give either "attack" (one stack) or "attacks" (a queue of stacks), not both: move the attack into the attacks list'
    })
  const names = [...spec.surrogates, ...(spec.derivedSurrogates ?? [])].map((s) => s.name)
  const labels = new Set<string>()
  queue.forEach((entry, i) => {
    for (const name of entry.surrogates ?? [])
      if (!names.includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['attacks', i, 'surrogates'],
          message: `unknown surrogate "${name}": expected one of ${names.join(', ')}`
        })
    if (entry.maxExamples !== queue[0].maxExamples)
      ctx.addIssue({
        code: 'custom',
        path: ['attacks', i, 'maxExamples'],
        message: `every queued stack attacks the same examples: maxExamples must be ${queue[0].maxExamples} as in attacks[0], got ${entry.maxExamples}`
      })
    if (entry.label !== undefined) {
      if (labels.has(entry.label))
        ctx.addIssue({
          code: 'custom',
          path: ['attacks', i, 'label'],
          message: `label "${entry.label}" is used twice: give each queued stack its own label`
        })
      labels.add(entry.label)
    }
  })
}

/**
 * The "validation" zoo set of early stopping (training spec §3): targets trained like the test targets
 * but on the train split, and validation images, both disjoint from what the reported numbers use. The
 * attack is the audit's attack as plain BIM, one repeat, with these overrides.
 */
export const ValidationSpec = z.strictObject({
  targets: z.array(ModelSpec).default([]),
  importedTargets: z.array(ImportedTargetSpec).optional(),
  /** Validation images attacked per epoch (those every validation target classifies correctly). */
  examples: z.number().int().min(1).max(50000).default(500),
  attack: z
    .strictObject({
      norm: z.enum(['linf', 'l2']),
      eps: z.number().gt(0).max(1000),
      steps: z.number().int().min(1).max(10000),
      stepSize: z.number().positive().max(1000),
      batchSize: z.number().int().positive().max(4096)
    })
    .partial()
    .optional()
})
export type ValidationSpec = z.infer<typeof ValidationSpec>

/** Weights of a trained model are a function of these fields; the name is only a label. */
export function trainedIdentity(m: Pick<ModelSpec, 'arch' | 'width' | 'seed' | 'recipe'>): string {
  return JSON.stringify({ arch: m.arch, width: m.width, seed: m.seed, recipe: m.recipe })
}

function normalisedPath(path: string): string {
  return path
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
}

export const AuditSpec = z
  .strictObject({
    name: z.string().min(1).max(120).default('audit'),
    seed: z.number().int().min(0).default(0),
    dataset: DatasetSpec.default(DatasetSpec.parse({})),
    surrogates: z.array(SurrogateSpec).min(1, 'an audit needs at least one surrogate'),
    /** Targets trained by the audit; may be empty when `importedTargets` has one. */
    targets: z.array(ModelSpec).default([]),
    /** In-house targets loaded from files, attacked and scored next to the trained ones. */
    importedTargets: z.array(ImportedTargetSpec).optional(),
    /** One stack; after parsing always set (to `attacks[0]` when a queue is given, else the default attack). */
    attack: AttackSpec.optional(),
    /** A queue of stacks run against the same targets, examples and seeds (see attack-queue.ts); excludes `attack`. */
    attacks: z
      .array(QueuedAttackSpec)
      .min(1, 'an attack queue needs at least one stack')
      .max(32, 'at most 32 queued stacks')
      .optional(),
    /** Validation targets and images for early stopping and tracked transfer; never used for reported numbers. */
    validation: ValidationSpec.optional(),
    /** Stand-ins of one target trained with defensive recipes, attacked and ranked (harden-spec.ts). */
    harden: HardenSpec.optional(),
    /** Engine worker processes that run the audit's tasks side by side (1: the engine alone); results do not depend on it. */
    workers: WorkerCount.optional(),
    /** Surrogates read from a trained surrogate's checkpoints (early-stopped, SWA), attacked like the others. */
    derivedSurrogates: z.array(DerivedSurrogateSpec).optional()
  })
  .superRefine((spec, ctx) => {
    if (spec.targets.length === 0 && !spec.importedTargets?.length)
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message:
          'an audit needs at least one target: train one in targets or load one in importedTargets'
      })
    const validation = spec.validation
    const names = [
      ...spec.surrogates,
      ...(spec.derivedSurrogates ?? []),
      ...spec.targets,
      ...(spec.importedTargets ?? []),
      ...(validation?.targets ?? []),
      ...(validation?.importedTargets ?? [])
    ].map((m) => m.name)
    const dup = names.find((n, i) => names.indexOf(n) !== i)
    if (dup)
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `model name "${dup}" is used twice`
      })
    checkValidation({ ...spec, attack: effectiveAttack(spec) }, ctx)
    for (const issue of derivedSurrogateIssues(
      spec.derivedSurrogates ?? [],
      trainedSurrogates(spec.surrogates),
      Boolean(spec.validation)
    ))
      ctx.addIssue({ code: 'custom', ...issue })
    checkAttackQueue(spec, ctx)
    if (spec.harden)
      checkHardenSpec(spec.harden, { ...spec, attack: effectiveAttack(spec) }, ARCHITECTURES, ctx)
    checkEnsembleMembers(spec, ctx)
    if (spec.dataset.source !== 'embedded' && !spec.dataset.path)
      ctx.addIssue({
        code: 'custom',
        path: ['dataset', 'path'],
        message: `a "${spec.dataset.source}" dataset needs a path (the folder to read)`
      })
  })
  // Code that reads one attack (budget lines, old views) keeps working: `attack` is the queue's first stack.
  .transform((spec) => ({ ...spec, attack: effectiveAttack(spec) }))
export type AuditSpec = z.infer<typeof AuditSpec>
export type AuditSpecInput = z.input<typeof AuditSpec>

/** The parsed fields validation is checked against (spelled out: `AuditSpec` itself is inferred from this check's schema). */
interface ParsedAuditFields {
  surrogates: SurrogateSpec[]
  targets: ModelSpec[]
  importedTargets?: ImportedTargetSpec[]
  dataset: DatasetSpec
  validation?: ValidationSpec
  attack: AttackSpec
}

/** Early stopping without leakage: validation needs its own images and targets, none of them a test target. */
function checkValidation(spec: ParsedAuditFields, ctx: z.RefinementCtx): void {
  const validation = spec.validation
  spec.surrogates.forEach((s, i) => {
    if (isImportedSurrogate(s)) return
    if ((s.earlyStopping || s.track?.transfer) && !validation)
      ctx.addIssue({
        code: 'custom',
        path: ['surrogates', i, s.earlyStopping ? 'earlyStopping' : 'track'],
        message: `surrogate "${s.name}" ${s.earlyStopping ? 'uses early stopping' : 'tracks validation transfer'}: add a validation block (validation targets and dataset.validationSize)`
      })
  })
  const nonSurrogates: [string, ModelSpec[]][] = [
    ['targets', spec.targets],
    ['validation.targets', validation?.targets ?? []]
  ]
  for (const [where, models] of nonSurrogates)
    models.forEach((m) => {
      if (m.earlyStopping || m.track)
        ctx.addIssue({
          code: 'custom',
          path: where.split('.'),
          message: `${where} "${m.name}": earlyStopping and track apply to surrogates only`
        })
    })
  if (!validation) return
  if (spec.dataset.validationSize === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['dataset', 'validationSize'],
      message:
        'validation needs held-out images: set dataset.validationSize (e.g. 1000) so validation images are not test images'
    })
  const norm = validation.attack?.norm ?? spec.attack.norm
  if (
    norm === 'linf' &&
    ((validation.attack?.eps ?? spec.attack.eps) > 1 || (validation.attack?.stepSize ?? 0) > 1)
  )
    ctx.addIssue({
      code: 'custom',
      path: ['validation', 'attack', 'eps'],
      message: EPS_LINF_MESSAGE
    })
  if (validation.targets.length === 0 && !validation.importedTargets?.length)
    ctx.addIssue({
      code: 'custom',
      path: ['validation', 'targets'],
      message:
        'validation needs at least one validation target (validation.targets or validation.importedTargets)'
    })
  for (const v of validation.targets) {
    const twin = spec.targets.find((t) => trainedIdentity(t) === trainedIdentity(v))
    if (twin)
      ctx.addIssue({
        code: 'custom',
        path: ['validation', 'targets'],
        message: `validation target "${v.name}" is the same model as test target "${twin.name}" (same arch, width, seed and recipe give the same weights): change its seed or architecture`
      })
  }
  for (const v of validation.importedTargets ?? []) {
    const twin = (spec.importedTargets ?? []).find(
      (t) => normalisedPath(t.path) === normalisedPath(v.path)
    )
    if (twin)
      ctx.addIssue({
        code: 'custom',
        path: ['validation', 'importedTargets'],
        message: `validation target "${v.name}" is the same file as test target "${twin.name}" (${v.path}): a model cannot be in both sets`
      })
  }
}
