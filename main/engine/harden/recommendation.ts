/**
 * The recommendation under the Harden table, written from the ranked numbers (never a fixed text):
 * the best-ranked recipe whose transfer reduction is significant and whose score is positive, with
 * the figures it rests on; the recipe that cuts transfer most when that is another one (and what it
 * costs); the cheapest significant option when the winner costs accuracy; and, when nothing beats
 * the baseline beyond the spread, a plain statement of that. Every figure quoted is also returned as
 * one evidence sentence, so the report can list them.
 */
import type { HardenRecipeResult, HardenResults } from '../../contract/harden-results'
import { withMinusSign } from '../../contract/signed-number'

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`
/** A size in points, never signed: a difference is said as "lower" or "higher" (`versusSgd`). */
const pts = (v: number): string => `${(Math.abs(v) * 100).toFixed(1)} points`
/** Differences under half a tenth of a point show as 0.0, so they are said to be the same. */
const SAME = 0.0005
/** A flatness (the robust loss's increase, negative when a perturbation lowers it), with a real minus sign. */
const flat = (v: number): string => withMinusSign(v, 3)

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
    const closest =
      biggest.ranking.transferReduction > SAME
        ? `the largest reduction, by ${biggest.label}, is ${pts(biggest.ranking.transferReduction)}`
        : `none lowers it at all; the closest, ${biggest.label}, leaves transfer ${versusSgd(-biggest.ranking.transferReduction)}`
    const text =
      `No recipe lowers transfer to ${target} beyond the ± 2 std spread at an acceptable accuracy cost, so the measurements do not justify changing its training: ` +
      `${closest} (spread ${pts(biggest.ranking.spread)}) ${accuracyClause(biggest.ranking.accuracyCost)}. ` +
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
      `and its robust loss is ${flatnessWord(best, baseline)} than SGD's (worst-case flatness ${flat(best.flatness.worstCase)} vs ${flat(baseline.flatness.worstCase)}, ` +
      `average-case ${flat(best.flatness.averageCase)} vs ${flat(baseline.flatness.averageCase)}; lower is flatter).`
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
      `${cheaper.label} keeps natural accuracy (${versusSgd(-cheaper.ranking.accuracyCost)}) and still lowers transfer by ${pts(cheaper.ranking.transferReduction)}, the option when accuracy cannot move.`
    )
  return { recipe: best.recipe, text: parts.join(' '), evidence }
}

/** "for an accuracy cost of 2.0 points", or what happened to accuracy when it did not fall. */
function accuracyClause(cost: number): string {
  if (cost > SAME) return `for an accuracy cost of ${pts(cost)}`
  if (cost < -SAME) return `while natural accuracy rises by ${pts(cost)}`
  return 'with natural accuracy unchanged'
}

/** A recipe's difference from SGD (recipe − SGD, a fraction) in words: "2.0 points lower than SGD's". */
function versusSgd(difference: number): string {
  if (difference > SAME) return `${pts(difference)} higher than SGD's`
  if (difference < -SAME) return `${pts(difference)} lower than SGD's`
  return "the same as SGD's"
}

function transferEvidence(r: HardenRecipeResult, baseline?: HardenRecipeResult): string {
  const s = r.transfer.strongest
  const base = `${r.label}: natural accuracy ${pct(r.naturalAccuracy)}; strongest transfer ${pct(s.successRate)} (${s.fooled}/${s.attacked}, ${s.attack ? `${s.attack} · ` : ''}${s.surrogate})`
  if (!baseline) return `${base} — the baseline.`
  const beyond = r.ranking.significant ? 'beyond' : 'within'
  return (
    `${base}; transfer ${versusSgd(-r.ranking.transferReduction)}, ${beyond} the ± ${(r.ranking.spread * 100).toFixed(1)}-point spread (${r.ranking.significant ? 'significant' : 'within noise'}); ` +
    `natural accuracy ${versusSgd(-r.ranking.accuracyCost)}; score ${withMinusSign(r.ranking.score, 1)}, rank ${r.ranking.rank}.`
  )
}

function robustnessEvidence(r: HardenRecipeResult, eps: string): string {
  return `${r.label}: white-box PGD robust accuracy ${pct(r.whiteBox.robustAccuracy)} (${r.whiteBox.robust}/${r.whiteBox.examples}, ε ${eps}); robust loss ${r.flatness.robustLoss.toFixed(3)}, flatness average-case ${flat(r.flatness.averageCase)}, worst-case ${flat(r.flatness.worstCase)}.`
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
