/**
 * Report of a run that queued several attack stacks: rows are (stack, surrogate) pairs in the
 * heatmap and the table, and the threat model lists the queue. A one-stack run is unchanged.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { RunRecord, type TransferCell } from '../../../../main/contract/run-record'
import { renderTransferHeatmapSvg } from '../../../../main/engine/report/heatmap-svg'
import { buildReportHtml } from '../../../../main/engine/report/report-html'

const fixture = RunRecord.parse(
  JSON.parse(readFileSync(new URL('../../../fixtures/run-record.json', import.meta.url), 'utf8'))
)
const meta = { appVersion: '1', generatedAt: new Date('2026-11-22T00:00:00Z') }

const cell = (attack: string, target: string, fooled: number, std = 0): TransferCell => ({
  attack,
  surrogate: 'sur',
  target,
  successRate: fooled / 80,
  fooled,
  attacked: 80,
  mean: fooled / 80,
  std,
  repeats: std > 0 ? 3 : 1
})

describe('report with an attack queue', () => {
  const transfer = [
    cell('BIM', 'ta', 10),
    cell('BIM', 'tb', 20),
    cell('BIM + DI + MI', 'ta', 40, 0.05),
    cell('BIM + DI + MI', 'tb', 50, 0.05)
  ]

  it('draws one heatmap row per (stack, surrogate) and prints ± 2 std in repeated cells', () => {
    const svg = renderTransferHeatmapSvg(transfer)
    expect(svg).toContain('BIM · sur')
    expect(svg).toContain('BIM + DI + MI · sur')
    expect(svg).toContain('± 10.0')
    expect(svg).toContain('stack · surrogate')
    // The same pair twice in one stack is still an error.
    expect(() => renderTransferHeatmapSvg([...transfer, cell('BIM', 'ta', 3)])).toThrow(
      /repeats the pair BIM · sur → ta/
    )
  })

  it('adds a stack column and the queue to the report, and leaves one-stack reports as they were', () => {
    const spec = AuditSpec.parse({
      ...fixture.spec,
      attack: undefined,
      attacks: [
        { label: 'BIM', eps: 16 / 255 },
        { eps: 16 / 255, stack: { di: {}, mi: {} } }
      ]
    })
    const run: RunRecord = { ...fixture, spec, results: { ...fixture.results!, transfer } }
    const html = buildReportHtml(run, meta)
    expect(html).toContain('<th>Stack</th><th>Surrogate</th><th>Target</th>')
    expect(html).toContain('<h3>Queued attack stacks</h3>')
    expect(html).toContain('<td class="name">BIM + DI + MI</td>')
    const plain = buildReportHtml(fixture, meta)
    expect(plain).not.toContain('<th>Stack</th>')
    expect(plain).not.toContain('Queued attack stacks')
  })
})
