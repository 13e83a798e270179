/**
 * Audit specification: what to train, how to attack, and what to measure.
 *
 * One schema serves the app (the "Run demo audit" button sends the demo spec), the CLI
 * (`--spec file.json`) and the browser mode. Every field has the paper's default where the
 * paper has one; the demo overrides ε to 16/255 because Fashion-MNIST CNNs barely transfer at 4/255.
 */
import { z } from 'zod'
import { AttackStack } from './attack-stack'
import { MinimizerSpec } from './minimizer-spec'
import { TargetPreprocessing } from './target-preprocessing'

/** Architectures the engine can build. Issue 5 grows this list. */
export const ARCHITECTURES = [
  'small-cnn',
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
  error: (issue) => `unknown architecture ${JSON.stringify(issue.input)}: expected one of ${ARCHITECTURES.join(', ')}`
})
export type ArchitectureId = z.infer<typeof ArchitectureId>

/** Learning-rate schedules of training spec §1.4 (plus cosine); the LR is constant inside an epoch. */
export const LrSchedule = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('step'),
      /** Divide the LR by `1/gamma` every `every` epochs (paper: ÷10 every 50 epochs on CIFAR-10). */
      every: z.number().int().positive().default(50),
      gamma: z.number().positive().max(1).default(0.1)
    }),
    /** One decay: the initial LR up to epoch `at`, times `gamma` after (paper §4 LR-decay timing experiment). */
    z.object({ kind: z.literal('single-decay'), at: z.number().int().positive(), gamma: z.number().positive().max(1).default(0.1) }),
    z.object({ kind: z.literal('constant') }),
    /** Cosine from the initial LR at epoch 1 down to `minLr` at the last epoch. */
    z.object({ kind: z.literal('cosine'), minLr: z.number().min(0).default(0) })
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'unknown LR schedule kind: expected one of step, single-decay, constant, cosine' : undefined) }
)
export type LrSchedule = z.infer<typeof LrSchedule>

/** SGD with momentum and coupled weight decay, the base recipe of every surrogate and target. */
export const TrainingRecipe = z.object({
  optimizer: z.literal('sgd').default('sgd'),
  epochs: z.number().int().positive().max(1000).default(150),
  batchSize: z.number().int().positive().max(4096).default(128),
  lr: z.number().positive().max(10).default(0.1),
  momentum: z.number().min(0).max(1).default(0.9),
  weightDecay: z.number().min(0).max(1).default(5e-4),
  lrSchedule: LrSchedule.default({ kind: 'step', every: 50, gamma: 0.1 }),
  /** The minimizer wrapped around the SGD step above; `sgd` keeps older specs valid. */
  minimizer: MinimizerSpec.default({ id: 'sgd' }),
  augment: z
    .object({
      cropPadding: z.number().int().min(0).max(16).default(4),
      flip: z.boolean().default(true)
    })
    .default({ cropPadding: 4, flip: true })
})
export type TrainingRecipe = z.infer<typeof TrainingRecipe>

export const ModelSpec = z.object({
  /** Short name unique within the audit, shown in the heatmap (e.g. "surrogate-cnn"). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, "-", "_" or "." (at most 64)'),
  arch: ArchitectureId,
  /** Width multiplier: channels of the first stage. */
  width: z.number().int().positive().max(512).default(16),
  seed: z.number().int().min(0).default(0),
  recipe: TrainingRecipe.default(TrainingRecipe.parse({}))
})
export type ModelSpec = z.infer<typeof ModelSpec>

/**
 * An in-house target the audit loads instead of training: an ONNX file or a TensorFlow.js model.json
 * (a relative path is read from the working directory, like `dataset.path`), with the preprocessing
 * that turns the audit's [0,1] NHWC pixels into its input.
 */
export const ImportedTargetSpec = z.object({
  name: ModelSpec.shape.name,
  format: z.enum(['onnx', 'tfjs'], { error: (issue) => `unknown format ${JSON.stringify(issue.input)}: expected "onnx" or "tfjs"` }),
  path: z.string().min(1, 'give the model file: a .onnx file or a TensorFlow.js model.json'),
  preprocessing: TargetPreprocessing.prefault({})
})
export type ImportedTargetSpec = z.infer<typeof ImportedTargetSpec>

export const DatasetSpec = z.object({
  /**
   * 'embedded' is the Fashion-MNIST subset shipped in resources/; the others read `path`: 'idx-folder'
   * (MNIST-style idx files), 'cifar-binary' (CIFAR-10/100 binary batches), 'image-folder'
   * (train/<class>/ and test/<class>/ of PNG or JPEG images).
   */
  source: z.enum(['embedded', 'idx-folder', 'cifar-binary', 'image-folder']).default('embedded'),
  path: z.string().optional(),
  /** Use at most this many training / test images (0 = all). */
  trainLimit: z.number().int().min(0).default(0),
  testLimit: z.number().int().min(0).default(0)
})
export type DatasetSpec = z.infer<typeof DatasetSpec>

const EPS_LINF_MESSAGE = 'eps must be in (0, 1]: it is an L∞ radius in [0,1] pixel units, e.g. 0.0627 for 16/255'

/**
 * How to attack: BIM under L∞ (the paper's setting) or L2 (app extension, spec §3.2), plus any stack
 * of transferability techniques (`stack`, see attack-stack.ts). `{ eps, steps, maxExamples }` alone
 * still means plain BIM. Each run is repeated over `repeats` seeds (seed, seed+1, …) and reported as
 * mean ± 2 std; deterministic stacks give the same value every repeat.
 */
export const AttackSpec = z
  .object({
    method: z.literal('bim').default('bim'),
    norm: z.enum(['linf', 'l2'], { error: (issue) => `unknown norm ${JSON.stringify(issue.input)}: expected "linf" or "l2"` }).default('linf'),
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
    if (a.norm === 'linf' && a.eps > 1) ctx.addIssue({ code: 'custom', path: ['eps'], message: EPS_LINF_MESSAGE })
    if (a.norm === 'linf' && a.stepSize !== undefined && a.stepSize > 1)
      ctx.addIssue({ code: 'custom', path: ['stepSize'], message: 'stepSize must be ≤ 1 under L∞' })
  })
  .transform((a) => ({ ...a, stepSize: a.stepSize ?? a.eps / 10 }))
export type AttackSpec = z.infer<typeof AttackSpec>

export const AuditSpec = z
  .object({
    name: z.string().min(1).max(120).default('audit'),
    seed: z.number().int().min(0).default(0),
    dataset: DatasetSpec.default(DatasetSpec.parse({})),
    surrogates: z.array(ModelSpec).min(1, 'an audit needs at least one surrogate'),
    /** Targets trained by the audit; may be empty when `importedTargets` has one. */
    targets: z.array(ModelSpec).default([]),
    /** In-house targets loaded from files, attacked and scored next to the trained ones. */
    importedTargets: z.array(ImportedTargetSpec).optional(),
    attack: AttackSpec.default(AttackSpec.parse({}))
  })
  .superRefine((spec, ctx) => {
    if (spec.targets.length === 0 && !spec.importedTargets?.length)
      ctx.addIssue({ code: 'custom', path: ['targets'], message: 'an audit needs at least one target: train one in targets or load one in importedTargets' })
    const names = [...spec.surrogates, ...spec.targets, ...(spec.importedTargets ?? [])].map((m) => m.name)
    const dup = names.find((n, i) => names.indexOf(n) !== i)
    if (dup) ctx.addIssue({ code: 'custom', path: ['targets'], message: `model name "${dup}" is used twice` })
    if (spec.dataset.source !== 'embedded' && !spec.dataset.path)
      ctx.addIssue({ code: 'custom', path: ['dataset', 'path'], message: `a "${spec.dataset.source}" dataset needs a path (the folder to read)` })
  })
export type AuditSpec = z.infer<typeof AuditSpec>
export type AuditSpecInput = z.input<typeof AuditSpec>

/** Formats a zod error as one line per problem, each naming the field, e.g. `attack.eps: eps must be…`. */
export function describeSpecError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(spec)'}: ${issue.message}`)
    .join('\n')
}
