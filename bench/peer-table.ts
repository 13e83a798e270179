/**
 * The table and closing line of `npm run bench:peer`: per row the medians of both sides, their
 * ranges over the rounds, and the throughput ratio ours / peer (for a time per step, peer / ours),
 * so a ratio above 1 always means Flatline is faster.
 */
export interface PeerRow {
  name: string
  kind: 'training' | 'attack'
  unit: string
  threads: number
  ours: number[]
  peer: number[]
  /** True for times (s/step): the ratio is then peer / ours. */
  lowerIsBetter: boolean
  backend: string
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function ratio(row: PeerRow): number {
  const [o, p] = [median(row.ours), median(row.peer)]
  return row.lowerIsBetter ? p / o : o / p
}

const fmt = (v: number): string =>
  v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3)
const cell = (values: number[]): string =>
  values.length === 1
    ? fmt(values[0])
    : `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`

/** A Markdown table (with its header when `header`), one line per row. */
export function formatPeerTable(rows: PeerRow[], header: boolean): string {
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.threads} | ${r.unit} | ${cell(r.ours)} | ${cell(r.peer)} | **${ratio(r).toFixed(2)}** | ${r.backend} |`
  )
  if (!header) return lines.join('\n')
  return [
    '| workload | threads | unit | Flatline median (range) | PyTorch median (range) | ratio | our backend |',
    '|---|---|---|---|---|---|---|',
    ...lines
  ].join('\n')
}

/** `peer ratio: training R1, attack R2`: the smallest ratio of each kind ("n/a" when a kind has no row). */
export function peerRatioLine(rows: PeerRow[]): string {
  const smallest = (kind: PeerRow['kind']): string => {
    const ratios = rows.filter((r) => r.kind === kind).map(ratio)
    return ratios.length ? Math.min(...ratios).toFixed(2) : 'n/a'
  }
  return `peer ratio: training ${smallest('training')}, attack ${smallest('attack')}`
}
