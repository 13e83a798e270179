/**
 * Two runs side by side (Compare): per target, the change in transfer success from the first run
 * ("before", e.g. model v1 or before hardening) to the second ("after"), and whether it exceeds the
 * ± 2 std spread of the difference (rate-spread.ts). Only runs on the same dataset that share at
 * least one target (by name) compare; anything else is refused with what differs.
 */
import { z } from 'zod'
import { TransferCell } from './transfer-cell'

const RunId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'a run id holds only letters, digits, "-" and "_"')

export const CompareRequest = z.strictObject({ before: RunId, after: RunId })
export type CompareRequest = z.infer<typeof CompareRequest>

export const ComparedRun = z.object({ id: z.string(), name: z.string(), createdAt: z.string() })

/** One rate in both runs and its change (after − before, fraction; negative = fewer successes). */
export const RateChange = z.object({
  before: TransferCell,
  after: TransferCell,
  change: z.number(),
  /** 2 std of the difference. */
  spread: z.number(),
  exceeds: z.boolean()
})
export type RateChange = z.infer<typeof RateChange>

export const RunComparison = z.object({
  before: ComparedRun,
  after: ComparedRun,
  dataset: z.string(),
  /** Per shared target: its strongest (stack, surrogate) in each run, the attacker's best choice then and now. */
  targets: z.array(RateChange.extend({ target: z.string() })),
  /** Per shared target and shared row (stack · surrogate): the heatmap's cells. */
  cells: z.array(RateChange.extend({ row: z.string(), target: z.string() })),
  /** Targets in only one of the runs (not compared). */
  onlyBefore: z.array(z.string()),
  onlyAfter: z.array(z.string())
})
export type RunComparison = z.infer<typeof RunComparison>
