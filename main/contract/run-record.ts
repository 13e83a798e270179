/**
 * What the workspace stores about one audit run: `runs/<id>/run.json`.
 *
 * A run is written when it starts (status `running`) and rewritten atomically at the end. A run
 * still `running` when no engine owns it was cut short (crash, kill) and is shown as `interrupted`.
 */
import { z } from 'zod'
import { AuditSpec } from './audit-spec'
import { HardenResults } from './harden-results'
import { EpochMetrics } from './job-events'
import { TransferCell } from './transfer-cell'

export const RunStatus = z.enum(['running', 'completed', 'failed', 'cancelled', 'interrupted'])
export type RunStatus = z.infer<typeof RunStatus>

/** An imported ONNX surrogate's forward pass against onnxruntime's on the import check's images. */
export const OnnxAgreement = z.object({
  images: z.number().int(),
  /** Largest |engine − onnxruntime| over every raw output of every image. */
  maxLogitDifference: z.number(),
  /** Fraction of images whose top-1 output agrees. */
  top1Agreement: z.number(),
  /** Largest |output| of onnxruntime (the scale of the tolerance). */
  scale: z.number().optional(),
  /** The largest difference allowed. */
  tolerance: z.number()
})
export type OnnxAgreement = z.infer<typeof OnnxAgreement>

export const ModelResult = z.object({
  name: z.string(),
  role: z.enum(['surrogate', 'target']),
  arch: z.string(),
  params: z.number().int(),
  /** Natural accuracy on the full test split used by the run. */
  accuracy: z.number(),
  /** sha256 of the weights, as in the model manifest. */
  hash: z.string(),
  epochs: z.array(EpochMetrics),
  trainSeconds: z.number(),
  /** Forward-backward passes of the whole training (training spec §1.5); absent in old records. */
  passes: z.number().int().optional(),
  /**
   * Early stopping: the epoch whose checkpoint became this surrogate and why, e.g. "best validation
   * transfer 41.2 % (206/500) of 8 epochs". `accuracy` and `hash` describe that checkpoint.
   */
  chosenEpoch: z.object({ epoch: z.number().int(), reason: z.string() }).optional(),
  /** A derived surrogate (derived-surrogate.ts): read from the checkpoints of `from`, not trained; `passes` are its source's. */
  derived: z.object({ from: z.string(), method: z.enum(['early-stopped', 'swa']) }).optional(),
  /** Why training stopped early (the loss became NaN or infinite); the model kept is its last good state. */
  stopped: z.string().optional(),
  /** Imported ONNX surrogates: the file it came from and its import check against onnxruntime. */
  onnx: z
    .object({
      path: z.string(),
      fileHash: z.string(),
      agreement: OnnxAgreement,
      fineTune: z.string().optional()
    })
    .optional()
})
export type ModelResult = z.infer<typeof ModelResult>

/**
 * Something that makes part of a run's numbers mean less, shown on the run page, in the CLI's
 * output and in the report: an imported target whose check warned but was accepted (`acceptCheck`),
 * a model near chance, a model whose training stopped on a NaN or infinite loss.
 */
export const RunWarning = z.object({
  model: z.string(),
  kind: z.enum(['target-check', 'near-chance', 'non-finite-loss']),
  message: z.string()
})
export type RunWarning = z.infer<typeof RunWarning>

export { TransferCell } from './transfer-cell'

export const AuditResults = z.object({
  models: z.array(ModelResult),
  transfer: z.array(TransferCell),
  /** Surrogate's own success rate on its examples (white-box), per surrogate. */
  whiteBox: z.array(
    z.object({ attack: z.string().optional(), surrogate: z.string(), successRate: z.number() })
  ),
  /** How many test images were candidates and how many every model classified correctly. */
  evaluated: z.object({
    candidates: z.number().int(),
    allCorrect: z.number().int(),
    attacked: z.number().int()
  }),
  attackSeconds: z.number(),
  /**
   * Early stopping's validation set: the validation targets (never scored on test images) and how many
   * validation images every epoch was attacked on. Absent when the spec has no validation block.
   */
  validation: z
    .object({
      targets: z.array(z.object({ name: z.string(), arch: z.string(), hash: z.string() })),
      attacked: z.number().int()
    })
    .optional(),
  /** The Harden step's stand-ins, measures, ranking and recommendation (harden-results.ts); absent without one. */
  harden: HardenResults.optional()
})
export type AuditResults = z.infer<typeof AuditResults>

export const RunRecord = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatus,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  spec: AuditSpec,
  seed: z.number().int(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  dataset: z.object({
    name: z.string(),
    train: z.number().int(),
    test: z.number().int(),
    shape: z.array(z.number().int())
  }),
  timings: z.record(z.string(), z.number()),
  results: AuditResults.optional(),
  /** What makes some of the results mean less (see RunWarning); absent when nothing did. */
  warnings: z.array(RunWarning).optional(),
  error: z.string().optional(),
  /** How many times the run was resumed after a cancel, crash or failure, and when (issue 3); absent if never. */
  resumed: z.object({ count: z.number().int().positive(), at: z.array(z.string()) }).optional()
})
export type RunRecord = z.infer<typeof RunRecord>

/** One line of the run list. Unreadable runs are listed too, with the reason, so nothing vanishes silently. */
export const RunSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatus.or(z.literal('unreadable')),
  createdAt: z.string(),
  problem: z.string().optional()
})
export type RunSummary = z.infer<typeof RunSummary>
