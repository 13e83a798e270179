import { execFileSync } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildReportHtml } from '../../../main/engine/report/report-html'
import { DEFAULT_CHROMIUM, htmlToPdf } from '../../../main/report/pdf-chromium'
import { runWithHarden } from '../helpers/harden-fixture'

function missingTools(): string | undefined {
  for (const path of [process.env.FLATLINE_CHROMIUM ?? DEFAULT_CHROMIUM, '/usr/bin/pdftotext'])
    try {
      accessSync(path, constants.X_OK)
    } catch {
      return `${path} not found (apt-get install chromium poppler-utils)`
    }
  return undefined
}

describe('the hand-over report as PDF', () => {
  it('fits the executive summary, with every target and the recommendation, on page 1', async (ctx) => {
    const missing = missingTools()
    if (missing) ctx.skip(missing)
    const dir = mkdtempSync(join(tmpdir(), 'flatline-handover-'))
    try {
      const run = runWithHarden()
      const out = join(dir, 'report.pdf')
      await htmlToPdf(
        buildReportHtml(run, {
          appVersion: '0.1.0',
          generatedAt: new Date('2025-03-14T10:30:00Z')
        }),
        out
      )
      const page = (n: number) =>
        execFileSync('pdftotext', ['-f', String(n), '-l', String(n), '-layout', out, '-'], {
          encoding: 'utf8'
        })
      const first = page(1)
      expect(first).toContain('Executive summary')
      for (const t of run.spec.targets) expect(first).toContain(t.name)
      expect(first).toMatch(/473 \/ 1,000/)
      expect(first).toContain('Recommendation (Harden step, section 6)')
      expect(first).not.toContain('Threat model')
      expect(page(2)).toContain('Threat model')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
