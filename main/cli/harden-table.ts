/**
 * The Harden step's ranking as a Markdown table for the terminal (and for notes): recipe × natural
 * accuracy × white-box robust accuracy × strongest transfer success × robust-loss flatness, then the
 * recommendation. Rates carry their denominators; transfer its ± 2 std.
 */
import type { HardenResults } from '../contract/harden-results'
import { describeSpread, rateSpread } from '../contract/rate-spread'
import { withMinusSign } from '../contract/signed-number'

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`

export function hardenTable(h: HardenResults): string {
  const eps = `${Math.round(h.settings.whiteBox.eps * 255 * 100) / 100}/255`
  const lines = [
    `Harden ${h.target.name ?? h.target.arch} (${h.target.arch}, width ${h.target.width}, ${h.target.source}): transfer on ${h.evaluated.attacked} test images every stand-in classifies correctly`,
    '',
    `| rank | recipe | natural accuracy | white-box PGD robust accuracy (ε ${eps}) | transfer success, strongest stack (± 2 std) | robust loss | flatness average-case | flatness worst-case | score |`,
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const r of h.recipes) {
    const s = r.transfer.strongest
    lines.push(
      `| ${r.ranking.rank} | ${r.label} | ${pct(r.naturalAccuracy)} | ${pct(r.whiteBox.robustAccuracy)} (${r.whiteBox.robust}/${r.whiteBox.examples}) | ` +
        `${pct(s.successRate)} ± ${(200 * rateSpread(s).std).toFixed(1)} (${s.fooled}/${s.attacked}) | ${r.flatness.robustLoss.toFixed(3)} | ${withMinusSign(r.flatness.averageCase, 3)} | ${withMinusSign(r.flatness.worstCase, 3)} | ${withMinusSign(r.ranking.score, 1)} |`
    )
  }
  const first = h.recipes[0]?.transfer.strongest
  if (first)
    lines.push(
      '',
      `Spread: ${describeSpread(first)}. Score = transfer reduction − ${h.settings.accuracyWeight} × accuracy cost, in points against SGD.`
    )
  lines.push('', `Recommendation: ${h.recommendation.text}`)
  for (const w of h.warnings) lines.push(`Warning: ${w}`)
  return lines.join('\n') + '\n'
}
