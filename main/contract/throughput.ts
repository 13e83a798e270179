/**
 * Throughput of one architecture on the active backend: what the UI turns into estimated times
 * (a recipe's forward-backward passes ÷ images per second).
 */
import { z } from 'zod'
import { ArchitectureId } from './audit-spec'

export const ThroughputRequest = z.strictObject({
  arch: ArchitectureId,
  width: z.number().int().positive().max(512),
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
export type ThroughputRequest = z.infer<typeof ThroughputRequest>

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
