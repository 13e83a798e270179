/**
 * The recommendation under the Harden table, written from the ranked numbers (never a fixed text):
 * the best-ranked recipe whose transfer reduction is significant and whose score is positive, with
 * the figures it rests on; the recipe that cuts transfer most when that is another one (and what it
 * costs); the cheapest significant option when the winner costs accuracy; and, when nothing beats
 * the baseline beyond the spread, a plain statement of that. Every figure quoted is also returned as
 * one evidence sentence, so the report can list them.
 */
import type { HardenRecipeResult, HardenResults } from '../../contract/harden-results'

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`
const pts = (v: number): string => `${(v * 100).toFixed(1)} points`
const signedPts = (v: number): string =>
  `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} points`

export function recommend(
  ranked: HardenRecipeResult[],
  target: string,
  accuracyWeight: number,
  whiteBoxEps: string
): HardenResults['recommendation'] {
  const baseline = ranked.find((r) => r.recipe === 'sgd')!
  const candidates = ranked.filter((r) => r.recipe !== 'sgd')
  const best = candidates.find((r) => r.ranking.significant && r.ranking.score > 0)
  const biggest = [...candidates].sort(
    (a, b) => b.ranking.transferReduction - a.ranking.transferReduction
  )[0]
  const evidence = [
    transferEvidence(baseline),
    ...candidates.map((r) => transferEvidence(r, baseline))
  ]
  evidence.push(...ranked.map((r) => robustnessEvidence(r, whiteBoxEps)))
  if (!best) {
    const text =
      `No recipe lowers transfer to ${target} beyond the ± 2 std spread at an acceptable accuracy cost, so the measurements do not justify changing its training: ` +
      `the largest reduction, by ${biggest.label}, is ${pts(biggest.ranking.transferReduction)} (spread ${pts(biggest.ranking.spread)}) ${accuracyClause(biggest.ranking.accuracyCost)}. ` +
      `Keep SGD, and re-run with more attacked images or repeats if a smaller effect matters.`
    return { text, evidence }
  }
  const strongest = best.transfer.strongest
  const parts = [
    `Train ${target} with ${best.label}. Against the strongest transfer attack on it (${strongest.attack ? `${strongest.attack} from ` : 'from '}${strongest.surrogate}), ` +
      `transfer success falls from ${pct(baseline.transfer.strongest.successRate)} with SGD to ${pct(strongest.successRate)} (${strongest.fooled} of ${strongest.attacked} images), ` +
      `a reduction of ${pts(best.ranking.transferReduction)}, beyond the ± 2 std spread of ${pts(best.ranking.spread)}, ` +
      `${accuracyClause(best.ranking.accuracyCost)} (${pct(baseline.naturalAccuracy)} → ${pct(best.naturalAccuracy)}).`,
    `Its white-box PGD robust accuracy at ε ${whiteBoxEps} is ${pct(best.whiteBox.robustAccuracy)} against ${pct(baseline.whiteBox.robustAccuracy)} for SGD, ` +
      `and its robust loss is ${flatnessWord(best, baseline)} than SGD's (worst-case flatness ${best.flatness.worstCase.toFixed(3)} vs ${baseline.flatness.worstCase.toFixed(3)}, ` +
      `average-case ${best.flatness.averageCase.toFixed(3)} vs ${baseline.flatness.averageCase.toFixed(3)}; lower is flatter).`
  ]
  if (biggest !== best && biggest.ranking.transferReduction > best.ranking.transferReduction)
    parts.push(
      `${biggest.label} cuts transfer more (${pts(biggest.ranking.transferReduction)}) but reaches a natural accuracy of ${pct(biggest.naturalAccuracy)} against ${pct(best.naturalAccuracy)}, ` +
        `so it ranks ${ordinal(biggest.ranking.rank)} when one point of accuracy weighs ${accuracyWeight} point${accuracyWeight === 1 ? '' : 's'} of transfer; choose it if robustness matters more than that.`
    )
  const cheaper = candidates.find(
    (r) =>
      r !== best &&
      r.ranking.significant &&
      r.ranking.accuracyCost <= 0.005 &&
      best.ranking.accuracyCost > 0.005
  )
  if (cheaper)
    parts.push(
      `${cheaper.label} keeps accuracy (${signedPts(cheaper.ranking.accuracyCost)}) and still lowers transfer by ${pts(cheaper.ranking.transferReduction)}, the option when accuracy cannot move.`
    )
  return { recipe: best.recipe, text: parts.join(' '), evidence }
}

/** "for an accuracy cost of 2.0 points", or what happened to accuracy when it did not fall. */
function accuracyClause(cost: number): string {
  if (cost > 0.0005) return `for an accuracy cost of ${pts(cost)}`
  if (cost < -0.0005) return `while natural accuracy rises by ${pts(-cost)}`
  return 'with natural accuracy unchanged'
}

function transferEvidence(r: HardenRecipeResult, baseline?: HardenRecipeResult): string {
  const s = r.transfer.strongest
  const base = `${r.label}: natural accuracy ${pct(r.naturalAccuracy)}; strongest transfer ${pct(s.successRate)} (${s.fooled}/${s.attacked}, ${s.attack ? `${s.attack} · ` : ''}${s.surrogate})`
  if (!baseline) return `${base} — the baseline.`
  return `${base}; reduction ${pts(r.ranking.transferReduction)} vs spread ${pts(r.ranking.spread)} (${r.ranking.significant ? 'significant' : 'within noise'}); accuracy cost ${signedPts(r.ranking.accuracyCost)}; score ${r.ranking.score.toFixed(1)}, rank ${r.ranking.rank}.`
}

function robustnessEvidence(r: HardenRecipeResult, eps: string): string {
  return `${r.label}: white-box PGD robust accuracy ${pct(r.whiteBox.robustAccuracy)} (${r.whiteBox.robust}/${r.whiteBox.examples}, ε ${eps}); robust loss ${r.flatness.robustLoss.toFixed(3)}, flatness average-case ${r.flatness.averageCase.toFixed(3)}, worst-case ${r.flatness.worstCase.toFixed(3)}.`
}

function flatnessWord(r: HardenRecipeResult, baseline: HardenRecipeResult): string {
  const flatter = [
    r.flatness.averageCase < baseline.flatness.averageCase,
    r.flatness.worstCase < baseline.flatness.worstCase
  ]
  return flatter.every(Boolean)
    ? 'flatter'
    : flatter.some(Boolean)
      ? 'partly flatter'
      : 'not flatter'
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n % 100 !== 11
      ? 'st'
      : n % 10 === 2 && n % 100 !== 12
        ? 'nd'
        : n % 10 === 3 && n % 100 !== 13
          ? 'rd'
          : 'th'
  return `${n}${suffix}`
}
