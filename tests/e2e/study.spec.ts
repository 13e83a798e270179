/**
 * The quick study through the real UI (issue 14): browser mode serves the built renderer, the engine
 * runs the study in its child process, Chromium opens New study, checks a bad spec is refused with its
 * field named, starts the quick preset, watches it live and reads its verdicts, tables and figures,
 * then exports the PDF report. Screenshots of the views and the report's pages go to docs/screenshots.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserApp, type BrowserApp } from './browser-app'
import { StudyPage } from './pages/study-page'

const ROOT = resolve(__dirname, '../..')
const shot = (name: string): string => join(ROOT, 'docs/screenshots', name)

let served: BrowserApp

beforeAll(async () => {
  served = await startBrowserApp()
})

afterAll(() => served?.close())

describe('the quick study in the UI', () => {
  it('refuses a bad spec, shows the estimate, runs the quick preset live and shows its verdicts, tables and figures', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const study = new StudyPage(page)
    await page.goto(served.server.url)
    await study.newStudyButton.click()
    await study.preset('quick').check()
    // Bad input: one seed cannot give a spread; the field is named and Start stays off.
    const quick = await study.specEditor.inputValue()
    await study.specEditor.fill(quick.replace(/"seeds": \[\s*1,\s*2\s*\]/, '"seeds": [1]'))
    await expect
      .poll(() => study.problems.textContent())
      .toMatch(/seeds: a verdict compares mean ± 2 std over seeds, which needs at least 2 seeds/)
    expect(await study.startButton.isDisabled()).toBe(true)
    await study.preset('quick').check()
    await expect
      .poll(() => study.estimate.textContent(), { timeout: 120_000 })
      .toMatch(/Estimated time: (≈|<)/)
    await page.screenshot({ path: shot('new-study.png') })

    await study.startButton.click()
    await study.live.waitFor({ timeout: 60_000 })
    await expect
      .poll(() => study.live.textContent(), { timeout: 120_000 })
      .toMatch(/Now: seed 1 \(1 of 2\)/)
    await page.screenshot({ path: shot('study-live.png') })
    await expect
      .poll(() => study.status.textContent(), { timeout: 1_500_000, interval: 5_000 })
      .toMatch(/completed|failed/)
    expect(await study.status.textContent()).toMatch(/completed/)

    // Verdicts: one per claim and surrogate, each holds / does not hold / not shown, with numbers.
    const rows = study.verdicts.locator('tbody tr')
    expect(await rows.count()).toBe(9)
    for (const text of await rows.allTextContents())
      expect(text).toMatch(/(holds|does not hold|not shown).*\d+\.\d/)
    for (const arch of ['small-cnn', 'small-resnet']) {
      const table = await study.table3(arch).textContent()
      for (const label of [
        'SGD (fully trained)',
        'Early-stopped SGD',
        'SAM ρ 0.05',
        'l-SAM ρ 0.3',
        'SWA',
        'LGV (from SGD)'
      ])
        expect(table).toContain(label)
      await study.figure(4, arch).waitFor()
      await study.figure(5, arch).waitFor()
    }
    expect(await study.table4('small-resnet').locator('tbody tr').count()).toBe(9)
    // Tall enough for the whole page (it scrolls inside <main>): an element shot alone leaves the rest blank.
    const overflow = await page
      .locator('main')
      .evaluate((main) => main.scrollHeight - main.clientHeight)
    await page.setViewportSize({ width: 1400, height: 1000 + Math.max(0, overflow) + 24 })
    await page.waitForTimeout(300)
    await page.screenshot({ path: shot('study.png'), fullPage: false })
    await page.setViewportSize({ width: 1400, height: 1000 })

    await study.exportPdfButton.click()
    const studyId = (await page
      .locator('[data-testid^="study-item-"]')
      .first()
      .getAttribute('data-testid'))!.replace('study-item-', '')
    const pdf = join(served.workspace, 'studies', studyId, 'report.pdf')
    await expect.poll(() => existsSync(pdf), { timeout: 120_000 }).toBe(true)
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    expect(text).toMatch(/Verdicts/)
    expect(text).toMatch(/Table 3 — surrogates on small-cnn/)
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '3', pdf, shot('study-report')])
    await page.close()
  }, 1_800_000)
})
