/**
 * The New audit form's technique panel in the built renderer (browser mode, Debian's Chromium): it
 * lists every technique of the registry, prices a stack, builds an ensemble from two surrogates, and
 * shows a conflict next to the technique that causes it. Writes docs/screenshots/techniques.png.
 */
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STACK_TECHNIQUE_IDS } from '../../main/contract/attack-stack'
import { startBrowserApp, type BrowserApp } from './browser-app'
import { AuditPage } from './pages/audit-page'

const ROOT = resolve(__dirname, '../..')

let served: BrowserApp

beforeAll(async () => {
  process.env.FLATLINE_DEMO_SPEC = join(ROOT, 'tests/fixtures/e2e-audit.json')
  served = await startBrowserApp()
})

afterAll(() => served?.close())

describe('technique panel', () => {
  it('lists the registry, prices the stack, builds an ensemble and names a conflict', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1440, height: 900 } })
    const app = new AuditPage(page)
    await page.goto(served.server.url)
    await app.newAuditButton.click()
    for (const id of STACK_TECHNIQUE_IDS) await expect.poll(() => app.technique(id).count()).toBe(1)
    // One surrogate: ensembles cannot be ticked yet, and say why.
    await expect.poll(() => app.technique('ens').isDisabled()).toBe(true)
    await expect
      .poll(() => page.getByTestId('tech-svre-why').textContent())
      .toMatch(/two surrogates/)
    await page.getByTestId('add-surrogates').click()
    await app.formField('surrogates.1.arch').selectOption('small-resnet')

    await app.technique('ti').check()
    await app.technique('pgn').check()
    await expect.poll(() => page.getByTestId('cost-per-iteration').textContent()).toBe('40')
    await app.technique('svre').check()
    await expect.poll(() => app.technique('ens').isChecked()).toBe(true)
    await expect
      .poll(() => page.getByTestId('ens-members').textContent())
      .toMatch(/surrogate-cnn.*surrogate-2/)
    // SVRE owns the loop: PGN's estimator has no place in it.
    await expect
      .poll(() => page.getByTestId('error-attack.stack.svre').textContent())
      .toMatch(/svre cannot be combined with pgn/)
    await app.technique('pgn').uncheck()
    await app.technique('di').check()
    await expect.poll(() => page.getByTestId('error-attack.stack.svre').count()).toBe(0)
    // (K + 2M)·c = (2 + 2·8)·1 member passes per iteration with DI's copy.
    await expect.poll(() => page.getByTestId('cost-per-iteration').textContent()).toBe('18')
    await expect.poll(() => app.startAuditButton.isEnabled()).toBe(true)
    // Tall enough for the whole form, so the card is not cut by the scrolling main area.
    const overflow = await page
      .locator('main')
      .evaluate((main) => main.scrollHeight - main.clientHeight)
    await page.setViewportSize({ width: 1440, height: 900 + Math.max(0, overflow) + 24 })
    const card = page.locator('section[aria-labelledby="form-stack-heading"]')
    await card.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    await card.screenshot({ path: join(ROOT, 'docs/screenshots/techniques.png') })
    await page.close()
  })
})
