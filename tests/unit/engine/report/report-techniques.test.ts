/** The report's threat model lists the stack's techniques from the registry, with changed settings. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { RunRecord } from '../../../../main/contract/run-record'
import { buildReportHtml } from '../../../../main/engine/report/report-html'

const fixture = RunRecord.parse(
  JSON.parse(readFileSync(new URL('../../../fixtures/run-record.json', import.meta.url), 'utf8'))
)
const meta = { appVersion: '1', generatedAt: new Date('2026-11-22T00:00:00Z') }

describe('report techniques row', () => {
  it('names each technique, its paper and the settings that differ from the registry defaults', () => {
    const spec = AuditSpec.parse({
      ...fixture.spec,
      attack: { ...fixture.spec.attack, stack: { ti: {}, pgn: { samples: 8 } } }
    })
    const html = buildReportHtml({ ...fixture, spec }, meta)
    expect(html).toContain(
      '<tr><th>Techniques</th><td>TI — Translation-Invariant smoothing (Dong et al., CVPR 2019), defaults<br>PGN — Penalizing Gradient Norm (Ge et al., NeurIPS 2023): samples = 8</td></tr>'
    )
    expect(buildReportHtml(fixture, meta)).toContain(
      '<tr><th>Techniques</th><td>none: plain BIM</td></tr>'
    )
  })
})
