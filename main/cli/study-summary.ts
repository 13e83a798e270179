/** The plain-text summary `npm run study` prints: Table 3, Table 4 and the verdicts, mean ± 2 std. */
import type { SeedStat, StudyRecord } from '../contract/study-record'

const pct = (s: SeedStat | null): string =>
  s ? `${(100 * s.mean).toFixed(1)} ± ${(200 * s.std).toFixed(1)}` : '—'

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')
    )
    .join('\n')
}

export function studySummaryText(study: StudyRecord): string {
  const out: string[] = []
  const r = study.results
  out.push(
    `${study.name}: ${study.status}, ${r.seeds.length} of ${study.spec.seeds.length} seeds (${r.seeds.join(', ')}), wall time ${((study.timings.total ?? 0) / 60).toFixed(1)} min`
  )
  for (const t of r.table3) {
    out.push(
      '',
      `Table 3 — ${t.surrogate} surrogates: transfer success % (mean ± 2 std over seeds)`
    )
    out.push(
      table([
        ['row', 'accuracy', ...t.targets, 'average', 'cost'],
        ...t.rows.map((row) => [
          row.label + (row.chosenEpochs ? ` (epochs ${row.chosenEpochs.join(',')})` : ''),
          pct(row.accuracy),
          ...t.targets.map((n) => pct(row.transfer[n])),
          pct(row.average),
          row.cost.mean.toFixed(2)
        ])
      ])
    )
  }
  for (const t of r.table4) {
    out.push('', `Table 4 — ${t.surrogate}: average transfer % over ${t.targets.length} targets`)
    out.push(
      table([
        ['technique', 'SGD', 'l-SAM'],
        ...t.rows.map((row) => [row.label, pct(row.sgd.average), pct(row.lsam.average)])
      ])
    )
  }
  out.push('', 'Verdicts')
  for (const c of study.claims)
    out.push(
      `- [${c.holds === true ? 'holds' : c.holds === false ? 'does not hold' : 'not shown'}] ${c.claim}: ${c.evidence}`
    )
  out.push(...timeText(study))
  return out.join('\n')
}

/** Where the time went: each seed's wall time, and task time by part summed over the seeds. */
function timeText(study: StudyRecord): string[] {
  const timed = study.seeds.filter((s) => s.time)
  if (!timed.length) return []
  const parts = new Map<string, number>()
  for (const s of timed)
    for (const [part, seconds] of Object.entries(s.time!))
      parts.set(part, (parts.get(part) ?? 0) + seconds)
  const total = [...parts.values()].reduce((a, b) => a + b, 0)
  const min = (seconds: number): string => (seconds / 60).toFixed(1)
  return [
    '',
    `Where the time went: seeds' wall time ${timed.map((s) => `seed ${s.seed} ${min(s.seconds ?? 0)} min`).join(', ')}; task time by part over those seeds (tasks on parallel workers overlap)`,
    table([
      ['part', 'minutes', 'share'],
      ...[...parts]
        .sort((a, b) => b[1] - a[1])
        .map(([part, seconds]) => [part, min(seconds), `${((100 * seconds) / total).toFixed(0)} %`])
    ])
  ]
}
