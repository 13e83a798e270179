/**
 * Statistics over seeds: mean and sample standard deviation (n − 1), shown as mean ± 2 std as in the
 * issue, and the comparison every verdict uses: two cells differ only when their ± 2 std intervals
 * do not overlap.
 */
import type { SeedStat } from '../../contract/study-record'

export function seedStat(values: readonly number[]): SeedStat {
  const n = values.length
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : NaN
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0
  return { mean, std, values: [...values] }
}

export type Order = 'above' | 'below' | 'overlap'

/** 'above' when a's interval lies wholly above b's (mean ± 2 std), 'below' when wholly below. */
export function compareStats(a: SeedStat, b: SeedStat): Order {
  if (a.mean - 2 * a.std > b.mean + 2 * b.std) return 'above'
  if (a.mean + 2 * a.std < b.mean - 2 * b.std) return 'below'
  return 'overlap'
}

/** "41.2 ± 3.1 %" for a rate in [0, 1]. */
export function formatRate(s: SeedStat): string {
  return `${(100 * s.mean).toFixed(1)} ± ${(200 * s.std).toFixed(1)} %`
}

/** "+4.1" points between two rates. */
export function formatPoints(difference: number): string {
  return `${difference >= 0 ? '+' : '−'}${Math.abs(100 * difference).toFixed(1)}`
}

/** "104.7 ± 9.0" for an unbounded quantity (sharpness). */
export function formatValue(s: SeedStat): string {
  const digits = Math.abs(s.mean) >= 100 ? 0 : Math.abs(s.mean) >= 10 ? 1 : 2
  return `${s.mean.toFixed(digits)} ± ${(2 * s.std).toFixed(digits)}`
}
