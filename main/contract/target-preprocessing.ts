/**
 * How an in-house target model wants its input and what its output means.
 *
 * The engine always holds [0,1] NHWC pixels; each target declares how to turn them into its own
 * input (size, channels, layout, value range, mean/std) and how to read its output (logits or
 * probabilities, and which dataset class each output index is). Kept in the contract (no tfjs) so
 * the audit spec and the UI can use it; the engine's `preprocessBatch` applies it.
 */
import { z } from 'zod'

export const TargetPreprocessing = z.strictObject({
  /** Axis order the model takes: PyTorch/ONNX exports are usually NCHW, TensorFlow models NHWC. */
  layout: z.enum(['NCHW', 'NHWC']).optional(),
  /** Resize (bilinear) and convert channels (gray↔RGB) when the dataset's images differ from the model's input. */
  resize: z.boolean().default(false),
  /** [0,1] pixels p become lo + p·(hi − lo) first: [0,1], [0,255] or [-1,1]. */
  range: z.tuple([z.number(), z.number()]).default([0, 1]),
  /** Then (v − mean[c]) / std[c], per channel, when given (in the units of `range`). */
  mean: z.array(z.number()).optional(),
  std: z.array(z.number().positive('std values must be > 0')).optional(),
  /** What the model outputs; argmax is the prediction either way, the import checks probabilities sum to 1. */
  output: z.enum(['logits', 'probabilities']).default('logits'),
  /** classMap[i] = the dataset class of the model's output i, when the model orders classes differently. */
  classMap: z.array(z.number().int().min(0)).optional()
})
export type TargetPreprocessing = z.infer<typeof TargetPreprocessing>
export type TargetPreprocessingInput = z.input<typeof TargetPreprocessing>
