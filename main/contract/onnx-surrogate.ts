/**
 * Imported ONNX surrogates in an audit spec: `{ "name", "format": "onnx", "path", "preprocessing" }`
 * in `surrogates` (the preprocessing fields of an imported target), attacked as they are or, with
 * `fineTune`, fine-tuned first from their imported weights (SGD, SAM/l-SAM, any minimizer) with
 * the presets below. Strict: an unknown key is an error naming it.
 */
import { z } from 'zod'
import { MinimizerSpec } from './minimizer-spec'
import { TargetPreprocessing } from './target-preprocessing'
import type { TrainingRecipe } from './audit-spec'

/**
 * Fine-tuning presets: a few epochs at a constant learning rate from pretrained weights. `lgv`
 * is the LGV paper's collection schedule (Gubri et al. 2022: 10 epochs at a high constant LR 0.05,
 * momentum 0.9, weight decay 1e-4); `sam` / `l-sam` use the flatness paper's ρ (Table 5 / §5).
 */
export const FINE_TUNE_PRESETS = {
  sgd: { label: 'SGD fine-tuning', epochs: 3, lr: 0.01, minimizer: { id: 'sgd' } },
  lgv: { label: 'High constant LR (LGV schedule)', epochs: 10, lr: 0.05, minimizer: { id: 'sgd' } },
  sam: {
    label: 'SAM ρ 0.05 fine-tuning',
    epochs: 3,
    lr: 0.01,
    minimizer: { id: 'sam', rho: 0.05 }
  },
  'l-sam': {
    label: 'l-SAM ρ 0.3 fine-tuning',
    epochs: 3,
    lr: 0.01,
    minimizer: { id: 'sam', rho: 0.3 }
  }
} as const satisfies Record<
  string,
  { label: string; epochs: number; lr: number; minimizer: MinimizerSpec }
>
export type FineTunePreset = keyof typeof FINE_TUNE_PRESETS
const PRESET_IDS = Object.keys(FINE_TUNE_PRESETS) as [FineTunePreset, ...FineTunePreset[]]

export const FineTuneSpec = z.strictObject({
  preset: z
    .enum(PRESET_IDS, {
      error: (issue) =>
        `unknown fine-tuning preset ${JSON.stringify(issue.input)}: expected one of ${PRESET_IDS.join(', ')}`
    })
    .default('sgd'),
  /** Overrides of the preset. */
  epochs: z.number().int().positive().max(1000).optional(),
  lr: z.number().positive().max(10).optional(),
  minimizer: MinimizerSpec.optional(),
  batchSize: z.number().int().positive().max(4096).default(64),
  momentum: z.number().min(0).max(1).default(0.9),
  weightDecay: z.number().min(0).max(1).default(1e-4),
  /** Batch-norm statistics during fine-tuning: batch statistics with running updates, or the imported ones frozen. */
  batchNorm: z
    .enum(['update', 'freeze'], {
      error: (issue) =>
        `unknown batchNorm ${JSON.stringify(issue.input)}: expected "update" or "freeze"`
    })
    .default('update'),
  augment: z
    .strictObject({
      cropPadding: z.number().int().min(0).max(16).default(4),
      flip: z.boolean().default(true)
    })
    .prefault({})
})
export type FineTuneSpec = z.infer<typeof FineTuneSpec>

export const ImportedSurrogateSpec = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
      'use letters, digits, "-", "_" or "." (at most 64)'
    ),
  format: z.literal('onnx', {
    error: (issue) =>
      `unknown surrogate format ${JSON.stringify(issue.input)}: an imported surrogate is "onnx"`
  }),
  path: z.string().min(1, 'give the .onnx file of the surrogate'),
  preprocessing: TargetPreprocessing.prefault({}),
  fineTune: FineTuneSpec.optional()
})
export type ImportedSurrogateSpec = z.infer<typeof ImportedSurrogateSpec>

/** True for an entry of `surrogates` that names an ONNX file rather than an architecture. */
export function isImportedSurrogate(spec: object): spec is ImportedSurrogateSpec {
  return 'format' in spec
}

/** The training recipe of a fine-tuning: the preset with its overrides, a constant learning rate. */
export function fineTuneRecipe(fineTune: FineTuneSpec): TrainingRecipe {
  const preset = FINE_TUNE_PRESETS[fineTune.preset]
  return {
    optimizer: 'sgd',
    epochs: fineTune.epochs ?? preset.epochs,
    batchSize: fineTune.batchSize,
    lr: fineTune.lr ?? preset.lr,
    momentum: fineTune.momentum,
    weightDecay: fineTune.weightDecay,
    lrSchedule: { kind: 'constant' },
    minimizer: (fineTune.minimizer ?? preset.minimizer) as TrainingRecipe['minimizer'],
    augment: fineTune.augment
  }
}

/** The task label of an imported surrogate in the run's task list. */
export function importedSurrogateLabel(spec: ImportedSurrogateSpec): string {
  return spec.fineTune
    ? `Import and fine-tune surrogate ${spec.name} (onnx, ${FINE_TUNE_PRESETS[spec.fineTune.preset].label})`
    : `Import surrogate ${spec.name} (onnx)`
}

/** What a surrogate entry trains: its recipe, an imported one's fine-tuning, or nothing. */
export function surrogateRecipe(
  spec: { name: string; recipe: TrainingRecipe } | ImportedSurrogateSpec
): TrainingRecipe | undefined {
  if (!isImportedSurrogate(spec)) return spec.recipe
  return spec.fineTune ? fineTuneRecipe(spec.fineTune) : undefined
}

/** The surrogates an audit trains: the entries of `surrogates` that are not imported files. */
export function trainedSurrogates<T extends object>(
  surrogates: readonly (T | ImportedSurrogateSpec)[]
): T[] {
  return surrogates.filter((s): s is T => !isImportedSurrogate(s))
}
