/**
 * Audit specification: what to train, how to attack, and what to measure.
 *
 * One schema serves the app (the "Run demo audit" button sends the demo spec), the CLI
 * (`--spec file.json`) and the browser mode. Every field has the paper's default where the
 * paper has one; the demo overrides ε to 16/255 because Fashion-MNIST CNNs barely transfer at 4/255.
 */
import { z } from 'zod'

/** Architectures the engine can build. Issue 5 grows this list. */
export const ARCHITECTURES = ['small-cnn', 'small-resnet'] as const
export const ArchitectureId = z.enum(ARCHITECTURES, {
  error: (issue) => `unknown architecture ${JSON.stringify(issue.input)}: expected one of ${ARCHITECTURES.join(', ')}`
})
export type ArchitectureId = z.infer<typeof ArchitectureId>

export const LrSchedule = z.object({
  kind: z.literal('step'),
  /** Divide the LR by `1/gamma` every `every` epochs (paper: ÷10 every 50 epochs on CIFAR-10). */
  every: z.number().int().positive().default(50),
  gamma: z.number().positive().max(1).default(0.1)
})
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

export const DatasetSpec = z.object({
  /** 'embedded' is the Fashion-MNIST subset shipped in resources/; 'idx-folder' reads a user folder. */
  source: z.enum(['embedded', 'idx-folder']).default('embedded'),
  path: z.string().optional(),
  /** Use at most this many training / test images (0 = all). */
  trainLimit: z.number().int().min(0).default(0),
  testLimit: z.number().int().min(0).default(0)
})
export type DatasetSpec = z.infer<typeof DatasetSpec>

export const AttackSpec = z
  .object({
    method: z.literal('bim').default('bim'),
    norm: z.literal('linf').default('linf'),
    /** L∞ radius in [0,1] pixel units; the paper's default is 4/255. */
    eps: z
      .number()
      .gt(0, 'eps must be in (0, 1]: it is an L∞ radius in [0,1] pixel units, e.g. 0.0627 for 16/255')
      .max(1, 'eps must be in (0, 1]: it is an L∞ radius in [0,1] pixel units, e.g. 0.0627 for 16/255')
      .default(4 / 255),
    steps: z.number().int().min(1).max(10000).default(50),
    /** Step size; defaults to eps/10 as in the paper. */
    stepSize: z.number().positive().max(1).optional(),
    batchSize: z.number().int().positive().max(4096).default(100),
    /** Attack at most this many test images (those all targets classify correctly). */
    maxExamples: z.number().int().positive().default(1000)
  })
  .transform((a) => ({ ...a, stepSize: a.stepSize ?? a.eps / 10 }))
export type AttackSpec = z.infer<typeof AttackSpec>

export const AuditSpec = z
  .object({
    name: z.string().min(1).max(120).default('audit'),
    seed: z.number().int().min(0).default(0),
    dataset: DatasetSpec.default(DatasetSpec.parse({})),
    surrogates: z.array(ModelSpec).min(1, 'an audit needs at least one surrogate'),
    targets: z.array(ModelSpec).min(1, 'an audit needs at least one target'),
    attack: AttackSpec.default(AttackSpec.parse({}))
  })
  .superRefine((spec, ctx) => {
    const names = [...spec.surrogates, ...spec.targets].map((m) => m.name)
    const dup = names.find((n, i) => names.indexOf(n) !== i)
    if (dup) ctx.addIssue({ code: 'custom', path: ['targets'], message: `model name "${dup}" is used twice` })
    if (spec.dataset.source === 'idx-folder' && !spec.dataset.path)
      ctx.addIssue({ code: 'custom', path: ['dataset', 'path'], message: 'an idx-folder dataset needs a path' })
  })
export type AuditSpec = z.infer<typeof AuditSpec>
export type AuditSpecInput = z.input<typeof AuditSpec>

/** Formats a zod error as one line per problem, each naming the field, e.g. `attack.eps: eps must be…`. */
export function describeSpecError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(spec)'}: ${issue.message}`)
    .join('\n')
}
