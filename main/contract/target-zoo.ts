/**
 * The target zoo: in-house models (ONNX, TensorFlow.js) checked on a dataset sample and kept in the
 * workspace, grouped into named sets ("test targets", "validation targets") that audits pick from.
 *
 * A check asks the engine (query `check-target`): what input the model takes, its accuracy on a seeded
 * sample of the dataset's test split, and, near chance, which usual preprocessing mistake explains it.
 * Adding copies the files into the zoo only after such a check; nothing here does tensor work.
 */
import { OnnxAgreement } from './run-record'
import { z } from 'zod'
import { DatasetSpec, ModelSpec } from './audit-spec'
import { TargetPreprocessing } from './target-preprocessing'

/** 'flatline': a model this app trained in a completed run (its `runs/<id>/models/<name>/` folder). */
export const ImportFormat = z.enum(['onnx', 'tfjs', 'flatline'], {
  error: (issue) =>
    `unknown format ${JSON.stringify(issue.input)}: expected "onnx", "tfjs" or "flatline"`
})
export type ImportFormat = z.infer<typeof ImportFormat>

/** Preprocessing as the user states it: anything left out is detected (layout) or takes the contract's default. */
export const PartialPreprocessing = TargetPreprocessing.partial()
export type PartialPreprocessing = z.input<typeof PartialPreprocessing>

export const TargetCheckRequest = z.strictObject({
  format: ImportFormat,
  /** A .onnx file, a TensorFlow.js model.json (its shards beside it), or a Flatline model folder. */
  path: z.string().min(1, 'give the model file: a .onnx file or a TensorFlow.js model.json'),
  preprocessing: PartialPreprocessing.default({}),
  /** The dataset whose test split is sampled (its classes must match the model's outputs). */
  dataset: DatasetSpec.prefault({}),
  /** Test images scored, drawn with `seed` (fewer when the split is smaller). */
  sampleSize: z.number().int().min(10, 'check on at least 10 images').max(10000).default(500),
  seed: z.number().int().min(0).default(0),
  /** ONNX only: also import it as a surrogate (attacks and fine-tuning from it) and check the engine's forward pass against onnxruntime. */
  surrogate: z.boolean().optional()
})
export type TargetCheckRequest = z.infer<typeof TargetCheckRequest>

/** Whether a checked ONNX model can be an audit's surrogate: the engine's own build of it, checked against onnxruntime. */
export const SurrogateUse = z.object({
  usable: z.boolean(),
  /** Why not (an unsupported op and its node, a quantized model, a disagreement with both numbers…). */
  reason: z.string().optional(),
  agreement: OnnxAgreement.optional(),
  /** Residual Add nodes GN and SGM can act on (0: the stack cannot use them). */
  residualAdds: z.number().int().optional(),
  /** Float weights fine-tuning reaches. */
  weights: z.number().int().optional()
})
export type SurrogateUse = z.infer<typeof SurrogateUse>
export type TargetCheckRequestInput = z.input<typeof TargetCheckRequest>

export const LIKELY_CAUSES = ['layout', 'range', 'normalisation', 'class-order', 'unknown'] as const
export type LikelyCause = (typeof LIKELY_CAUSES)[number]

/** One preprocessing the check tried instead of the declared one, with its score on the same images. */
export const CheckCandidate = z.object({
  /** What differs from the declared preprocessing, in words ("the dataset's mean [0.286] / std [0.353]"). */
  change: z.string(),
  likelyCause: z.enum(LIKELY_CAUSES),
  /** The preprocessing fields it changes; with `range` it also sets mean/std, so absent ones mean none. */
  fix: PartialPreprocessing,
  accuracy: z.number(),
  correct: z.number().int()
})
export type CheckCandidate = z.infer<typeof CheckCandidate>

export const TargetCheckResult = z.object({
  detected: z.object({
    modelFormat: z.enum(['onnx', 'tfjs-layers', 'tfjs-graph', 'flatline']),
    /** The model's own input image [height, width, channels]. */
    inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    layout: z.enum(['NCHW', 'NHWC']),
    /** True when the request left the layout out and the check found the one the input shape allows. */
    layoutDetected: z.boolean(),
    /** Scores per image (one per class). */
    outputs: z.number().int()
  }),
  /** The preprocessing the accuracy was measured with (defaults filled, detected layout set). */
  preprocessing: TargetPreprocessing,
  accuracy: z.number(),
  correct: z.number().int(),
  /** The denominator: test images scored. */
  sampled: z.number().int(),
  chance: z.number(),
  /** Accuracy below 2 × chance. */
  nearChance: z.boolean(),
  /**
   * Near chance, or another usual preprocessing clearly better than the declared one (≥ 5 points and
   * outside the sample's binomial ± 2σ): the zoo and audits accept such a model only when told to.
   */
  warning: z
    .object({
      likelyCause: z.enum(LIKELY_CAUSES),
      message: z.string(),
      /** The best-scoring preprocessing change (a simpler one when within the noise), and what it gives. */
      fix: PartialPreprocessing.optional(),
      fixedAccuracy: z.number().optional(),
      fixedCorrect: z.number().int().optional()
    })
    .optional(),
  /** Every preprocessing tried besides the declared one, on the same images (none for a Flatline model). */
  candidates: z.array(CheckCandidate).default([]),
  /** Other remarks (e.g. probability rows that do not sum to 1). */
  notes: z.array(z.string()).default([]),
  /** Asked with `surrogate`: whether it can also be a surrogate. */
  surrogate: SurrogateUse.optional(),
  /** sha256 of the model's bytes (model.json then its shards for tfjs), as audits record it. */
  sha256: z.string(),
  /** Name of the dataset checked on. */
  datasetName: z.string(),
  seconds: z.number()
})
export type TargetCheckResult = z.infer<typeof TargetCheckResult>

export const ZooTargetName = ModelSpec.shape.name

export const ZooAddRequest = TargetCheckRequest.extend({
  /** The target's name in the zoo and in audits (unique in the zoo). */
  name: ZooTargetName,
  /** Store a model whose check warned (near chance, or a better preprocessing) anyway, after the user saw it. */
  acceptCheck: z.boolean().default(false)
})
export type ZooAddRequest = z.infer<typeof ZooAddRequest>
export type ZooAddRequestInput = z.input<typeof ZooAddRequest>

/**
 * Adds a model the app trained in a completed run (`runs/<runId>/models/<model>/`) as a target
 * (format 'flatline'), checked on a sample of that run's own dataset.
 */
export const ZooAddTrainedRequest = z.strictObject({
  runId: z.string().min(1, 'give the run the model was trained in'),
  model: ZooTargetName,
  name: ZooTargetName,
  acceptCheck: z.boolean().default(false),
  sampleSize: z.number().int().min(10, 'check on at least 10 images').max(10000).default(500)
})
export type ZooAddTrainedRequest = z.infer<typeof ZooAddTrainedRequest>
export type ZooAddTrainedRequestInput = z.input<typeof ZooAddTrainedRequest>

/** One stored target: `zoo/targets/<id>/target.json`. */
export const ZooTarget = z.object({
  id: z.string(),
  name: z.string(),
  format: ImportFormat,
  /** The file to load (model.onnx or model.json), relative to the target's folder. */
  entry: z.string(),
  files: z.array(z.object({ name: z.string(), sha256: z.string() })),
  preprocessing: TargetPreprocessing,
  sha256: z.string(),
  check: TargetCheckResult,
  /** The dataset it was checked on. */
  dataset: DatasetSpec,
  /** Where it came from (the path given to zoo.add). */
  source: z.string(),
  /** For a model trained in Flatline (zoo.addTrained): the run and model it was copied from. */
  trainedIn: z.object({ runId: z.string(), model: z.string() }).optional(),
  addedAt: z.string()
})
export type ZooTarget = z.infer<typeof ZooTarget>

/** A stored target as listed: with the absolute path an audit's importedTargets entry loads. */
export type ZooTargetEntry = ZooTarget & { path: string }

export const TEST_SET = 'test targets'
export const VALIDATION_SET = 'validation targets'

export const ZooSet = z.strictObject({
  name: z.string().trim().min(1, 'a set needs a name').max(80),
  targetIds: z.array(z.string())
})
export type ZooSet = z.infer<typeof ZooSet>

export const ZooSets = z
  .array(ZooSet)
  .max(100)
  .superRefine((sets, ctx) => {
    const names = sets.map((s) => s.name)
    const dup = names.find((n, i) => names.indexOf(n) !== i)
    if (dup) ctx.addIssue({ code: 'custom', message: `the set name "${dup}" is used twice` })
    const test = sets.find((s) => s.name === TEST_SET)?.targetIds ?? []
    const both = (sets.find((s) => s.name === VALIDATION_SET)?.targetIds ?? []).filter((id) =>
      test.includes(id)
    )
    if (both.length > 0)
      ctx.addIssue({
        code: 'custom',
        message:
          `${both.map((id) => `"${id}"`).join(', ')} cannot be both a test and a validation target: ` +
          'choosing a surrogate on validation targets must never look at the test targets'
      })
  })

export interface ZooListing {
  targets: ZooTargetEntry[]
  sets: ZooSet[]
}
