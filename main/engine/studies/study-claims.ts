/**
 * The paper's claims, each with a verdict computed from the study's numbers (never fixed text):
 * true when the numbers show it (non-overlapping mean ± 2 std), false when they show the opposite,
 * null — "not shown at this scale" — otherwise, always with the numbers as evidence.
 * Claims are checked per surrogate architecture, as transfer depends on it.
 */
import type {
  SeedStat,
  StudyClaim,
  StudyCurve,
  StudyResults,
  Table3,
  Table3Row,
  Table4
} from '../../contract/study-record'
import type { StudySpec } from '../../contract/study-spec'
import {
  compareStats,
  formatPoints,
  formatRate,
  formatValue,
  seedStat,
  type Order
} from './seed-stat'

const NOT_SHOWN = 'not shown at this scale'

export function studyClaims(spec: StudySpec, results: StudyResults): StudyClaim[] {
  const claims: StudyClaim[] = []
  const seedsDone = results.seeds.length
  const waiting =
    seedsDone < 2
      ? `${seedsDone} of ${spec.seeds.length} seeds done: a verdict needs the spread of at least 2`
      : undefined
  for (const table of results.table3) {
    const row = (id: string): Table3Row | undefined => table.rows.find((r) => r.row === id)
    const pairs: [string, string, string][] = [
      ['l-sam', 'sgd-early-stopped', 'lsam-over-early-stopped'],
      ['sgd-early-stopped', 'sgd', 'early-stopped-over-sgd']
    ]
    for (const [a, b, id] of pairs) {
      const [ra, rb] = [row(a), row(b)]
      if (ra && rb)
        claims.push(gate(betterThan(`${id}.${table.surrogate}`, ra, rb, table), waiting))
    }
  }
  for (const curve of results.curves) {
    claims.push(gate(peakAfterDecay(curve), waiting))
    if (curve.points.some((p) => p.maxEigenvalue))
      claims.push(gate(sharpnessFallsWhereTransferRises(curve), waiting))
  }
  for (const table of results.table4) claims.push(gate(everyTechniqueStronger(table), waiting))
  return claims
}

/** Before 2 seeds there is no spread: the verdict waits, the numbers are still shown. */
function gate(claim: StudyClaim, waiting: string | undefined): StudyClaim {
  return waiting ? { ...claim, holds: null, evidence: `${waiting}. ${claim.evidence}` } : claim
}

function verdict(order: Order): boolean | null {
  return order === 'above' ? true : order === 'below' ? false : null
}

/** Row a transfers better than row b: decided on the average over targets, with the per-target count as evidence. */
function betterThan(id: string, a: Table3Row, b: Table3Row, table: Table3): StudyClaim {
  const order = compareStats(a.average, b.average)
  const per = table.targets.map((t) => ({ t, o: compareStats(a.transfer[t], b.transfer[t]) }))
  const above = per.filter((p) => p.o === 'above').map((p) => p.t)
  const below = per.filter((p) => p.o === 'below').map((p) => p.t)
  const diff = a.average.mean - b.average.mean
  const evidence =
    `${order === 'overlap' ? `${NOT_SHOWN}: ` : ''}average over ${table.targets.length} targets ${a.label} ${formatRate(a.average)} vs ${b.label} ${formatRate(b.average)} ` +
    `(${formatPoints(diff)} points${order === 'overlap' ? ', intervals overlap' : ''}); higher with non-overlapping ± 2 std on ${above.length} of ${table.targets.length} targets` +
    `${above.length ? ` (${above.join(', ')})` : ''}, lower on ${below.length}${below.length ? ` (${below.join(', ')})` : ''}`
  return {
    id,
    claim: `${a.label} transfers better than ${b.label} (${table.surrogate} surrogate)`,
    holds: verdict(order),
    evidence
  }
}

/** Epochs right after a decay: the first `window` epochs at the lower LR. */
function afterDecayWindow(curve: StudyCurve): number {
  return Math.max(2, Math.round(0.1 * curve.points.length))
}

/** Figure 4: the validation transfer of the SGD surrogate peaks within a few epochs after an LR decay. */
function peakAfterDecay(curve: StudyCurve): StudyClaim {
  const claim = `Transfer peaks right after an LR decay (${curve.surrogate} SGD surrogate, validation targets)`
  const id = `peak-after-decay.${curve.surrogate}`
  const points = curve.points.filter(
    (p): p is typeof p & { transfer: SeedStat } => p.transfer !== null
  )
  const decays = curve.decays.filter((d) => d < curve.points.length)
  if (decays.length === 0 || points.length === 0)
    return {
      id,
      claim,
      holds: null,
      evidence: `${NOT_SHOWN}: ${decays.length === 0 ? 'the recipe has no LR decay' : 'no per-epoch transfer was recorded'}`
    }
  const w = afterDecayWindow(curve)
  const peak = points.reduce((best, p) => (p.transfer.mean > best.transfer.mean ? p : best))
  const at = (epoch: number): (typeof points)[number] | undefined =>
    points.find((p) => p.epoch === epoch)
  const decay = decays.filter((d) => peak.epoch > d && peak.epoch <= d + w).pop()
  const perSeedPeaks = peak.transfer.values.map(
    (_, s) =>
      points.reduce((best, p) => (p.transfer.values[s] > best.transfer.values[s] ? p : best)).epoch
  )
  const last = points[points.length - 1]
  const tail = `per-seed peaks at epochs ${perSeedPeaks.join(', ')}; last epoch ${formatRate(last.transfer)}; decays after epochs ${decays.join(', ')}`
  if (decay !== undefined) {
    const before = at(decay)!
    const order = compareStats(peak.transfer, before.transfer)
    return {
      id,
      claim,
      holds: order === 'above' ? true : null,
      evidence:
        `${order === 'above' ? '' : `${NOT_SHOWN}: `}peak ${formatRate(peak.transfer)} at epoch ${peak.epoch}, ${peak.epoch - decay} epoch${peak.epoch - decay > 1 ? 's' : ''} after the decay ` +
        `after epoch ${decay} (${formatRate(before.transfer)} at epoch ${decay}${order === 'above' ? '' : ', intervals overlap'}); ${tail}`
    }
  }
  // The peak lies elsewhere: false when every epoch just after a decay is clearly below it.
  const windows = points.filter((p) => decays.some((d) => p.epoch > d && p.epoch <= d + w))
  const bestInWindow = windows.reduce(
    (best, p) => (p.transfer.mean > best.transfer.mean ? p : best),
    windows[0]
  )
  const order = bestInWindow ? compareStats(peak.transfer, bestInWindow.transfer) : 'overlap'
  return {
    id,
    claim,
    holds: order === 'above' ? false : null,
    evidence:
      `${order === 'above' ? '' : `${NOT_SHOWN}: `}peak ${formatRate(peak.transfer)} at epoch ${peak.epoch}, not within ${w} epochs after a decay` +
      `${bestInWindow ? ` (best there ${formatRate(bestInWindow.transfer)} at epoch ${bestInWindow.epoch}${order === 'above' ? '' : ', intervals overlap'})` : ''}; ${tail}`
  }
}

/** Figure 5: at each LR decay, λmax and the trace drop while validation transfer rises. */
function sharpnessFallsWhereTransferRises(curve: StudyCurve): StudyClaim {
  const claim = `Sharpness falls where transfer rises (${curve.surrogate} SGD surrogate, at each LR decay)`
  const id = `sharpness-vs-transfer.${curve.surrogate}`
  const at = (epoch: number): StudyCurve['points'][number] | undefined =>
    curve.points.find((p) => p.epoch === epoch)
  const findings = curve.decays.flatMap((d) => {
    const [before, after] = [at(d), at(d + 1)]
    if (
      !before?.maxEigenvalue ||
      !after?.maxEigenvalue ||
      !before.trace ||
      !after.trace ||
      !before.transfer ||
      !after.transfer
    )
      return []
    const lambda = compareStats(after.maxEigenvalue, before.maxEigenvalue)
    const trace = compareStats(after.trace, before.trace)
    const transfer = compareStats(after.transfer, before.transfer)
    const shown = lambda === 'below' && trace === 'below' && transfer === 'above'
    const contradicted = transfer === 'above' && (lambda === 'above' || trace === 'above')
    const text =
      `after epoch ${d}: λmax ${formatValue(before.maxEigenvalue)} → ${formatValue(after.maxEigenvalue)}, trace ${formatValue(before.trace)} → ${formatValue(after.trace)}, ` +
      `transfer ${formatRate(before.transfer)} → ${formatRate(after.transfer)}`
    return [{ shown, contradicted, text }]
  })
  if (findings.length === 0)
    return {
      id,
      claim,
      holds: null,
      evidence: `${NOT_SHOWN}: no LR decay with sharpness and transfer on both sides`
    }
  const holds = findings.some((f) => f.contradicted)
    ? false
    : findings.every((f) => f.shown)
      ? true
      : null
  const shown = findings.filter((f) => f.shown).length
  const correlation = changeCorrelation(curve)
  return {
    id,
    claim,
    holds,
    evidence:
      `${holds === null ? `${NOT_SHOWN}: ` : ''}shown (non-overlapping ± 2 std) at ${shown} of ${findings.length} decays; ${findings.map((f) => f.text).join('; ')}` +
      (correlation === null
        ? ''
        : `; correlation of epoch-to-epoch changes of λmax and transfer over all epochs ${correlation.toFixed(2)}`)
  }
}

/** Pearson correlation between the per-epoch changes of mean λmax and mean validation transfer. */
function changeCorrelation(curve: StudyCurve): number | null {
  const pts = curve.points.filter((p) => p.maxEigenvalue && p.transfer)
  if (pts.length < 3) return null
  const d = (f: (p: (typeof pts)[number]) => number): number[] =>
    pts.slice(1).map((p, i) => f(p) - f(pts[i]))
  const x = d((p) => p.maxEigenvalue!.mean)
  const y = d((p) => p.transfer!.mean)
  const [mx, my] = [seedStat(x).mean, seedStat(y).mean]
  const cov = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0)
  const norm = Math.sqrt(
    x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0)
  )
  return norm > 0 ? cov / norm : null
}

/** Table 4: every technique transfers better from the l-SAM surrogate than from the SGD one. */
function everyTechniqueStronger(table: Table4): StudyClaim {
  const per = table.rows.map((r) => ({
    r,
    o: compareStats(r.lsam.average, r.sgd.average),
    diff: r.lsam.average.mean - r.sgd.average.mean
  }))
  const list = (o: Order): string =>
    per
      .filter((p) => p.o === o)
      .map((p) => `${p.r.technique.toUpperCase()} ${formatPoints(p.diff)}`)
      .join(', ')
  const count = (o: Order): number => per.filter((p) => p.o === o).length
  const holds = count('below') > 0 ? false : count('above') === per.length ? true : null
  const mean = per.reduce((s, p) => s + p.diff, 0) / per.length
  const evidence =
    `${holds === null ? `${NOT_SHOWN}: ` : ''}stronger on l-SAM with non-overlapping ± 2 std for ${count('above')} of ${per.length} techniques` +
    `${count('above') ? ` (${list('above')})` : ''}, overlapping for ${count('overlap')}${count('overlap') ? ` (${list('overlap')})` : ''}, ` +
    `weaker for ${count('below')}${count('below') ? ` (${list('below')})` : ''}; mean gain ${formatPoints(mean)} points over ${table.targets.length} targets`
  return {
    id: `techniques-on-lsam.${table.surrogate}`,
    claim: `Every technique is stronger on l-SAM than on SGD (${table.surrogate} surrogate)`,
    holds,
    evidence
  }
}
