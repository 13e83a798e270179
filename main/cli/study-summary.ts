/** The plain-text summary `npm run study` prints: Table 3, Table 4 and the verdicts, mean ± 2 std. */
import type { SeedStat, StudyRecord } from '../contract/study-record'

const pct = (s: SeedStat | null): string => (s ? `${(100 * s.mean).toFixed(1)} ± ${(200 * s.std).toFixed(1)}` : '—')

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n')
}

export function studySummaryText(study: StudyRecord): string {
  const out: string[] = []
  const r = study.results
  out.push(`${study.name}: ${study.status}, ${r.seeds.length} of ${study.spec.seeds.length} seeds (${r.seeds.join(', ')}), wall time ${((study.timings.total ?? 0) / 60).toFixed(1)} min`)
  for (const t of r.table3) {
    out.push('', `Table 3 — ${t.surrogate} surrogates: transfer success % (mean ± 2 std over seeds)`)
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
    out.push(table([['technique', 'SGD', 'l-SAM'], ...t.rows.map((row) => [row.label, pct(row.sgd.average), pct(row.lsam.average)])]))
  }
  out.push('', 'Verdicts')
  for (const c of study.claims) out.push(`- [${c.holds === true ? 'holds' : c.holds === false ? 'does not hold' : 'not shown'}] ${c.claim}: ${c.evidence}`)
  return out.join('\n')
}
