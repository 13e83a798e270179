/**
 * Ranks the Harden recipes by transfer reduction against accuracy cost, both measured against the
 * SGD baseline and both in points: score = reduction − accuracyWeight × cost. The reduction is taken
 * on each stand-in's strongest (stack, surrogate), the one an attacker would use, and is called
 * significant when it exceeds 2 std of the difference (rate-spread.ts). Ties keep the recipe order.
 */
import type { HardenRecipeResult } from '../../contract/harden-results'
import { differenceSpread } from '../../contract/rate-spread'

export type UnrankedRecipe = Omit<HardenRecipeResult, 'ranking'>

export function rankRecipes(rows: UnrankedRecipe[], accuracyWeight: number): HardenRecipeResult[] {
  const baseline = rows.find((r) => r.recipe === 'sgd')
  if (!baseline) throw new Error('Error in rankRecipes: the sgd baseline is missing')
  const scored = rows.map((r, order) => {
    const transferReduction =
      baseline.transfer.strongest.successRate - r.transfer.strongest.successRate
    const accuracyCost = baseline.naturalAccuracy - r.naturalAccuracy
    const spread =
      r === baseline ? 0 : differenceSpread(baseline.transfer.strongest, r.transfer.strongest)
    const score = r === baseline ? 0 : 100 * (transferReduction - accuracyWeight * accuracyCost)
    return {
      row: r,
      order,
      ranking: {
        score,
        transferReduction,
        accuracyCost,
        spread,
        significant: r !== baseline && transferReduction > spread
      }
    }
  })
  scored.sort((a, b) => b.ranking.score - a.ranking.score || a.order - b.order)
  return scored.map(({ row, ranking }, i) => ({ ...row, ranking: { rank: i + 1, ...ranking } }))
}
