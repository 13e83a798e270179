import { execFileSync } from 'node:child_process'
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RunRecord } from '../../../main/contract/run-record'
import { buildReportHtml } from '../../../main/engine/report/report-html'
import { DEFAULT_CHROMIUM, htmlToPdf } from '../../../main/report/pdf-chromium'

const fixture = RunRecord.parse(
  JSON.parse(readFileSync(new URL('../../fixtures/run-record.json', import.meta.url), 'utf8'))
)

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Why the real-Chromium tests cannot run here, or undefined when they can. */
function missingTools(): string | undefined {
  const chromium = process.env.FLATLINE_CHROMIUM ?? DEFAULT_CHROMIUM
  if (!executable(chromium))
    return `Chromium not found at ${chromium} (apt-get install chromium, or set FLATLINE_CHROMIUM)`
  if (!executable('/usr/bin/pdftotext'))
    return 'pdftotext not found (apt-get install poppler-utils)'
  return undefined
}

describe('htmlToPdf', () => {
  let dir: string
  let savedEnv: string | undefined
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flatline-pdf-'))
    savedEnv = process.env.FLATLINE_CHROMIUM
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
    if (savedEnv === undefined) delete process.env.FLATLINE_CHROMIUM
    else process.env.FLATLINE_CHROMIUM = savedEnv
  })

  it('says how to install Chromium when the executable is missing, and writes nothing', async () => {
    const out = join(dir, 'report.pdf')
    await expect(
      htmlToPdf('<p>x</p>', out, { executablePath: join(dir, 'no-chromium') })
    ).rejects.toThrow(
      /Chromium not found at .*no-chromium.*apt-get install chromium.*FLATLINE_CHROMIUM/
    )
    expect(readdirSync(dir)).toEqual([])
  })

  it('wraps a browser that will not start in an error naming the output, and leaves no file', async () => {
    const out = join(dir, 'report.pdf')
    await expect(htmlToPdf('<p>x</p>', out, { executablePath: '/bin/false' })).rejects.toThrow(
      /Could not print the report to .*report\.pdf: .*launch/i
    )
    expect(readdirSync(dir)).toEqual([])
  })

  it('takes the executable from FLATLINE_CHROMIUM when no option is given', async () => {
    process.env.FLATLINE_CHROMIUM = join(dir, 'env-chromium')
    await expect(htmlToPdf('<p>x</p>', join(dir, 'report.pdf'))).rejects.toThrow(
      /Chromium not found at .*env-chromium/
    )
  })

  it('prints the fixture report to an A4 PDF whose text holds every success-rate row', async (ctx) => {
    const missing = missingTools()
    if (missing) ctx.skip(missing)
    const out = join(dir, 'report.pdf')
    await htmlToPdf(
      buildReportHtml(fixture, {
        appVersion: '0.1.0',
        generatedAt: new Date('2025-03-14T10:30:00Z')
      }),
      out
    )
    // Atomic write: only the final file is left, no .tmp-<pid>.
    expect(readdirSync(dir)).toEqual(['report.pdf'])
    expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' })
    expect(info).toMatch(/Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)/)
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' })
    for (const c of fixture.results!.transfer) {
      const rate = `${(c.successRate * 100).toFixed(1)} %`
      const row = new RegExp(
        `${c.surrogate}\\s+${c.target}\\s+${rate.replace('.', '\\.')}\\s+${c.fooled}\\s*/\\s*1,000`
      )
      expect(text).toMatch(row)
    }
    expect(text).toContain(`Audit report — ${fixture.name}`)
    expect(text).toMatch(/page 1 of \d/)
  })

  it('fails with the output path named when the target folder does not exist', async () => {
    const out = join(dir, 'missing-folder', 'report.pdf')
    await expect(htmlToPdf('<p>hello</p>', out)).rejects.toThrow(
      /Could not print the report to .*missing-folder.*does not exist or is not writable/
    )
    expect(existsSync(join(dir, 'missing-folder'))).toBe(false)
  })
})
