/**
 * The spread a transfer success rate is reported with, as "rate ± 2 std": the standard deviation
 * over attack seeds when a randomised stack was repeated, else the binomial standard error
 * √(p(1 − p)/n) of one run over its n attacked images (a deterministic stack gives the same rate
 * for every seed, so only the choice of images varies). Shared by the report, the Harden ranking
 * and the comparison of two runs, so all three call the same difference significant.
 */
export interface RateLike {
  successRate: number
  attacked: number
  std?: number
  repeats?: number
}

export interface RateSpread {
  std: number
  source: 'seeds' | 'binomial'
}

export function rateSpread(cell: RateLike): RateSpread {
  if ((cell.repeats ?? 1) > 1) return { std: cell.std ?? 0, source: 'seeds' }
  const p = Math.min(1, Math.max(0, cell.successRate))
  return {
    std: cell.attacked > 0 ? Math.sqrt((p * (1 - p)) / cell.attacked) : 0,
    source: 'binomial'
  }
}

/** 2 std of the difference of two independent rates: 2·√(σa² + σb²). */
export function differenceSpread(a: RateLike, b: RateLike): number {
  return 2 * Math.hypot(rateSpread(a).std, rateSpread(b).std)
}

/** How the spread was obtained, for a note under a table: "2 std over 3 seeds" or "2 binomial standard errors". */
export function describeSpread(cell: RateLike): string {
  return (cell.repeats ?? 1) > 1
    ? `2 std over ${cell.repeats} seeds`
    : `2 binomial standard errors over ${cell.attacked} images`
}
