/**
 * "Recommendations" of the hand-over report: the Harden step's ranking table (recipe × natural
 * accuracy × white-box PGD robust accuracy × strongest transfer success × robust-loss flatness),
 * the recommendation computed from it, the evidence it names, and any warning about its settings.
 * Without a Harden step, the section says which target to harden first and how.
 */
import { describeSpread, rateSpread } from '../../contract/rate-spread'
import { signedPoints, withMinusSign } from '../../contract/signed-number'
import type { AuditResults } from '../../contract/run-record'
import { targetRisks } from './executive-summary'
import { esc, formatCount, formatGreyLevels, formatPercent } from './report-format'

export function recommendationsSection(results: AuditResults | undefined): string {
  const h = results?.harden
  if (!results) return ''
  if (!h) {
    const top = targetRisks(results.transfer)[0]
    return `<section>
<h2 class="numbered">Recommendations</h2>
<p>No Harden step was run with this audit, so no defensive recipe has been measured.${top ? ` The target most at risk is <strong>${esc(top.target)}</strong> (${formatPercent(top.strongest.successRate)} of ${formatCount(top.strongest.attacked)} attacked images fooled): harden it first, from its run page (Harden…) or with <span class="mono">"harden": { "target": "${esc(top.target)}" }</span> in the spec.` : ''}</p>
</section>`
  }
  const rows = h.recipes
    .map((r) => {
      const s = r.transfer.strongest
      const reduction =
        r.recipe === 'sgd'
          ? '<td class="num">baseline</td>'
          : `<td class="num ${r.ranking.significant ? 'strong' : ''}">${signedPoints(-r.ranking.transferReduction)} <span class="spread">${r.ranking.significant ? 'beyond' : 'within'} ±&nbsp;${(100 * r.ranking.spread).toFixed(1)}</span></td>`
      return `<tr${r.recipe === h.recommendation.recipe ? ' class="chosen"' : ''}><td class="num">${r.ranking.rank}</td><td class="name">${esc(r.label)}${r.model.reusedTarget ? ' <span class="spread">(the target itself)</span>' : ''}</td><td class="num">${formatPercent(r.naturalAccuracy)}</td><td class="num">${formatPercent(r.whiteBox.robustAccuracy)}</td><td class="num">${formatPercent(s.successRate)} <span class="spread">±&nbsp;${formatPercent(2 * rateSpread(s).std)}</span></td>${reduction}<td class="num">${withMinusSign(r.flatness.averageCase, 3)} / ${withMinusSign(r.flatness.worstCase, 3)}</td><td class="num">${withMinusSign(r.ranking.score, 1)}</td></tr>`
    })
    .join('\n')
  const first = h.recipes[0]?.transfer.strongest
  const warnings = h.warnings
    .map((w) => `<p class="warning-text">Warning: ${esc(w)}</p>`)
    .join('\n')
  return `<section class="harden">
<h2 class="numbered">Recommendations</h2>
<div class="harden-ranking">
<p>Harden step on <strong>${esc(h.target.name ?? `a ${h.target.arch} stand-in`)}</strong> (${esc(h.target.arch)}, width ${h.target.width}; ${esc(h.target.source)}): ${h.recipes.length} recipes, transfer measured on ${formatCount(h.evaluated.attacked)} test images every stand-in classifies correctly.</p>
${warnings}
<table class="grid harden-table">
<thead><tr><th class="num">Rank</th><th>Recipe</th><th class="num">Natural accuracy</th><th class="num">White-box robust accuracy (ε ${esc(formatGreyLevels(h.settings.whiteBox.eps))})</th><th class="num">Transfer success, strongest ± 2 std</th><th class="num">Transfer change (points)</th><th class="num">Flatness avg / worst</th><th class="num">Score</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">Transfer success: the stand-in's strongest stack · surrogate; ± 2 std: ${first ? esc(describeSpread(first)) : '—'}. Change: against SGD, beyond or within 2 std of the difference. Flatness: increase of the robust loss under weight perturbations, average-case / worst-case (Stutz et al. 2021), lower is flatter. Score = transfer reduction − ${h.settings.accuracyWeight} × accuracy cost, in points.</p>
</div>
<div class="callout"><h3>Recommendation</h3><p>${esc(h.recommendation.text)}</p></div>
<h3>Evidence</h3>
<ul class="evidence">
${h.recommendation.evidence.map((e) => `<li>${esc(e)}</li>`).join('\n')}
</ul>
</section>`
}
