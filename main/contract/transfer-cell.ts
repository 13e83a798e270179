/** One cell of a transfer heatmap: a (stack, surrogate) pair's success on one target, with its denominator. */
import { z } from 'zod'

/** Success rate of one surrogate's adversarial examples on one target. */
export const TransferCell = z.object({
  /** Label of the queued stack that crafted the examples (attack-queue.ts); absent in older records. */
  attack: z.string().optional(),
  surrogate: z.string(),
  target: z.string(),
  /** Fraction of attacked examples the target misclassifies. */
  successRate: z.number(),
  fooled: z.number().int(),
  /** Denominator: examples every target (and the surrogate) classified correctly. */
  attacked: z.number().int(),
  /**
   * Over attack repeats with different seeds: mean success rate, its sample standard deviation (shown
   * as mean ± 2 std) and how many repeats ran (1 for stacks without randomness, which repeat exactly).
   * `successRate` is that mean and `fooled` the first repeat's count. Absent in older records.
   */
  mean: z.number().optional(),
  std: z.number().optional(),
  repeats: z.number().int().optional()
})
export type TransferCell = z.infer<typeof TransferCell>
