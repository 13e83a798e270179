/**
 * Throughput of one model on the active backend: what the UI turns into estimated times (a
 * recipe's forward-backward passes ÷ images per second). The model is an architecture of the
 * registry at a width, or an imported ONNX surrogate (its file and preprocessing), built as an
 * audit builds it.
 */
import { z } from 'zod'
import { ArchitectureId, type ModelSpec } from './audit-spec'
import { FineTuneSpec, isImportedSurrogate, type ImportedSurrogateSpec } from './onnx-surrogate'
import { TargetPreprocessing } from './target-preprocessing'

/**
 * One model's throughput question: `arch` and `width` (a registry architecture), or `onnx` (an
 * imported surrogate's file and preprocessing), on images of `inputShape`. One strict object (an
 * unknown key is named), with the choice checked after.
 */
export const ThroughputRequest = z
  .strictObject({
    arch: ArchitectureId.optional(),
    width: z.number().int().positive().max(512).optional(),
    onnx: z
      .strictObject({
        path: z.string().min(1, 'give the .onnx file'),
        preprocessing: TargetPreprocessing.prefault({})
      })
      .optional(),
    inputShape: z.tuple([
      z.number().int().min(8).max(512),
      z.number().int().min(8).max(512),
      z.number().int().min(1).max(4)
    ]),
    numClasses: z.number().int().min(2).max(10000),
    batchSize: z.number().int().positive().max(1024),
    /** Timed iterations after one untimed warm-up (default 3). */
    iterations: z.number().int().min(1).max(20).optional()
  })
  .superRefine((request, ctx) => {
    const arch = request.arch !== undefined && request.width !== undefined
    if (arch === (request.onnx !== undefined))
      ctx.addIssue({
        code: 'custom',
        message:
          'give either arch and width (an architecture) or onnx (an imported surrogate), not both'
      })
  })
export type ThroughputRequest = z.infer<typeof ThroughputRequest>

/** Batch an imported surrogate is measured at without a fine-tuning: the fine-tuning default (its attack batch is alike). */
const IMPORTED_BATCH = FineTuneSpec.parse({}).batchSize

/**
 * The throughput question for a spec's model on images of `inputShape` (unchecked: parse it): an
 * architecture at its width and recipe batch, or an imported surrogate's file at its fine-tuning
 * batch (an imported surrogate and its fine-tuned copy ask the same question).
 */
export function throughputRequestFor(
  model: Pick<ModelSpec, 'arch' | 'width' | 'recipe'> | ImportedSurrogateSpec,
  size: { inputShape: [number, number, number]; numClasses: number }
): z.input<typeof ThroughputRequest> {
  const shape = { inputShape: size.inputShape, numClasses: size.numClasses }
  return isImportedSurrogate(model)
    ? {
        onnx: { path: model.path, preprocessing: model.preprocessing },
        ...shape,
        batchSize: model.fineTune?.batchSize ?? IMPORTED_BATCH
      }
    : { arch: model.arch, width: model.width, ...shape, batchSize: model.recipe.batchSize }
}

export interface ThroughputEstimate {
  /** Training images per second for one forward-backward pass with the SGD update (SAM counts 2 passes). */
  trainImagesPerSecond: number
  /** Input gradients per second: one attack iteration of plain BIM on one image. */
  gradientsPerSecond: number
  /** Wall time the measurement itself took. */
  seconds: number
  /** The backend that was measured, e.g. "wasm (SIMD, 1 thread)". */
  backend?: string
}
