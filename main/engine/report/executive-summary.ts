/**
 * Page 1 of the hand-over report: for each target, the risk in plain words, the strongest stack and
 * surrogate against it, and its success rate with the denominator and ± 2 std; then the Harden
 * step's recommendation (or the next step when there was none). Sized to fit one A4 page with
 * the header for a dozen targets.
 */
import { hasSeveralStacks, transferRowLabel } from '../../contract/attack-queue'
import { describeSpread, rateSpread } from '../../contract/rate-spread'
import type { AuditResults, RunRecord, TransferCell } from '../../contract/run-record'
import { esc, formatCount, formatGreyLevels, formatPercent } from './report-format'

export type RiskLevel = 'high' | 'elevated' | 'moderate' | 'low'

export interface TargetRisk {
  target: string
  level: RiskLevel
  /** "about 7 in 10 attacked images fool it". */
  words: string
  strongest: TransferCell
}

/** High ≥ 50 %, elevated ≥ 20 %, moderate ≥ 5 %, low below: how often an attacker's examples fool the target. */
export function riskLevel(rate: number): RiskLevel {
  return rate >= 0.5 ? 'high' : rate >= 0.2 ? 'elevated' : rate >= 0.05 ? 'moderate' : 'low'
}

export function riskWords(rate: number): string {
  if (rate >= 0.995) return 'every attacked image fools it'
  if (rate < 0.005) return 'no attacked image fooled it'
  if (rate < 0.05) return `fewer than 1 in 20 attacked images fool it`
  const inTen = Math.round(rate * 10)
  return inTen >= 1
    ? `about ${inTen} in 10 attacked images fool it`
    : `about 1 in ${Math.round(1 / rate)} attacked images fool it`
}

/** Per target, the (stack, surrogate) with the highest mean success rate, most at risk first. */
export function targetRisks(transfer: TransferCell[]): TargetRisk[] {
  const byTarget = new Map<string, TransferCell>()
  for (const c of transfer) {
    const best = byTarget.get(c.target)
    if (!best || c.successRate > best.successRate) byTarget.set(c.target, c)
  }
  return [...byTarget.values()]
    .sort((a, b) => b.successRate - a.successRate)
    .map((c) => ({
      target: c.target,
      level: riskLevel(c.successRate),
      words: riskWords(c.successRate),
      strongest: c
    }))
}

const LEVEL_LABEL: Record<RiskLevel, string> = {
  high: 'High',
  elevated: 'Elevated',
  moderate: 'Moderate',
  low: 'Low'
}

export function executiveSummary(run: RunRecord, results: AuditResults): string {
  const risks = targetRisks(results.transfer)
  const several = hasSeveralStacks(results.transfer)
  const surrogates = run.spec.surrogates.length
  const stacks = new Set(results.transfer.map((c) => c.attack ?? '')).size
  const a = run.spec.attack
  const lead =
    `An attacker who cannot query these models trains a surrogate on similar data and submits adversarial images crafted on it. ` +
    `Flatline played that attacker: ${surrogates} surrogate${surrogates === 1 ? '' : 's'} trained on ${formatCount(run.dataset.train)} ${esc(run.dataset.name)} images, ` +
    `${stacks} attack stack${stacks === 1 ? '' : 's'} at ε = ${esc(formatGreyLevels(a.eps))} (${a.norm === 'linf' ? 'L∞' : 'L2'}), ` +
    `${formatCount(results.evaluated.attacked)} test images that every target classified correctly.`
  const rows = risks
    .map((r) => {
      const c = r.strongest
      return `<tr><td class="name">${esc(r.target)}</td><td><span class="risk risk-${r.level}">${LEVEL_LABEL[r.level]}</span> <span class="risk-words">${esc(r.words)}</span></td><td>${esc(transferRowLabel(c, several))}</td><td class="num strong">${formatPercent(c.successRate)} <span class="spread">± ${formatPercent(2 * rateSpread(c).std)}</span></td><td class="num">${formatCount(c.fooled)} / ${formatCount(c.attacked)}</td></tr>`
    })
    .join('\n')
  const table = risks.length
    ? `<table class="grid exec-table">
<thead><tr><th>Target</th><th>Risk</th><th>Strongest attack${several ? ' (stack · surrogate)' : ' (surrogate)'}</th><th class="num">Success rate ± 2 std</th><th class="num">Fooled / attacked</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">Risk: high ≥ 50 %, elevated ≥ 20 %, moderate ≥ 5 %, low below. ± 2 std: ${esc(describeSpread(risks[0].strongest))}${risks.some((r) => (r.strongest.repeats ?? 1) !== (risks[0].strongest.repeats ?? 1)) ? ' (binomial where a stack ran once)' : ''}. Fooled / attacked: the first seed's count.</p>`
    : '<p class="empty">The run recorded no transfer results.</p>'
  return `<section class="exec">
<h2>Executive summary</h2>
<p class="lead">${lead}</p>
${table}
${nextStep(results, risks)}
</section>`
}

function nextStep(results: AuditResults, risks: TargetRisk[]): string {
  const h = results.harden
  if (h) {
    const first = h.recommendation.text
      .split(/(?<=\.)\s+(?=[A-Z])/)
      .slice(0, 2)
      .join(' ')
    return `<div class="callout"><h3>Recommendation (Harden step, section 6)</h3><p>${esc(first)}</p></div>`
  }
  const top = risks[0]
  if (!top || top.level === 'low')
    return '<div class="callout"><h3>Next step</h3><p>No target is at more than low risk against these attacks; re-audit when a model or the threat changes.</p></div>'
  return `<div class="callout"><h3>Next step</h3><p>${esc(top.target)} is most at risk (${formatPercent(top.strongest.successRate)}). Run a Harden step on it to compare defensive training recipes with numbers (section 6).</p></div>`
}
