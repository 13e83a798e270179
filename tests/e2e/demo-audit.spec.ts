/**
 * The demo audit through the real UI: browser mode serves the built renderer, the engine runs in
 * its child process on the real backend, Chromium clicks "Run demo audit". The demo spec is
 * swapped for a tiny one (FLATLINE_DEMO_SPEC) so the run fits in CI; everything else is the app.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserServer, pdfDownloadPath, type BrowserServer } from '../../main/browser/browser-server'
import { NodeEngineClient } from '../../main/engine-host/node-engine-client'
import { htmlToPdf } from '../../main/report/pdf-chromium'
import { createFlatlineService } from '../../main/service/flatline-service'
import { launchChromium } from './browser-chromium'
import { AuditPage } from './pages/audit-page'

const ROOT = resolve(__dirname, '../..')
const TINY_SPEC = join(ROOT, 'tests/fixtures/e2e-audit.json')
const SCREENSHOT = join(ROOT, 'docs/screenshots/heatmap.png')

let server: BrowserServer
let engine: NodeEngineClient
let browser: Browser
let workspace: string

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) throw new Error('build the renderer first: npm run build:renderer')
  workspace = await mkdtemp(join(tmpdir(), 'flatline-e2e-'))
  process.env.FLATLINE_DEMO_SPEC = TINY_SPEC
  engine = new NodeEngineClient({ ...process.env })
  let token = ''
  const service = await createFlatlineService({
    workspaceRoot: workspace,
    engine,
    shell: 'browser',
    appVersion: 'e2e',
    exportPdf: async (runId, html) => {
      await htmlToPdf(html, service.runStore.artifactPath(runId, 'report.pdf'))
      return { url: `${pdfDownloadPath(runId)}?token=${token}` }
    }
  })
  server = await startBrowserServer({ service, rendererDir: join(ROOT, 'out/renderer') })
  token = server.token
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  engine?.dispose()
  await server?.close()
})

describe('demo audit in the UI', () => {
  let runId = ''

  it('runs the demo audit with live progress and shows a number in every heatmap cell', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const app = new AuditPage(page)
    await page.goto(server.url)
    await expect.poll(() => app.backendName.textContent(), { timeout: 60_000 }).toMatch(/wasm|cpu|tfjs-node/)
    await app.runDemoButton.click()
    await app.taskBar('train-surrogate-cnn').waitFor({ timeout: 60_000 })
    await app.heatmap.waitFor({ timeout: 240_000 })
    const spec = JSON.parse(await readFile(TINY_SPEC, 'utf8')) as { targets: { name: string }[] }
    for (const target of spec.targets) {
      await expect.poll(() => app.rate('surrogate-cnn', target.name).textContent(), { timeout: 10_000 }).toMatch(/\d+\.\d %/)
    }
    const runs = await page.locator('[data-testid^="run-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    runId = (runs.find((id) => id && /^run-\d{8}-/.test(id)) ?? '').replace(/^run-/, '')
    expect(runId).toMatch(/e2e-demo-audit/)
    await page.waitForTimeout(500) // let the chart finish its layout before the picture
    await page.screenshot({ path: SCREENSHOT, fullPage: false })
    await page.close()
  })

  it('exports the PDF report, whose text holds the success-rate table', async () => {
    const page = await browser.newPage()
    await page.goto(server.url)
    const app = new AuditPage(page)
    await app.runItem(runId).click()
    await app.exportPdfButton.click()
    const pdfPath = join(workspace, 'runs', runId, 'report.pdf')
    await expect.poll(() => existsSync(pdfPath), { timeout: 60_000 }).toBe(true)
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' })
    expect(text).toMatch(/surrogate-cnn\s+target-cnn\s+\d+\.\d %/)
    expect(text).toMatch(/surrogate-cnn\s+target-resnet\s+\d+\.\d %/)
    await page.close()
  })

  it('shows the past audit after the page is closed and opened again', async () => {
    const page = await browser.newPage()
    await page.goto(server.url)
    const app = new AuditPage(page)
    await app.runItem(runId).waitFor({ timeout: 20_000 })
    await expect.poll(() => app.runItem(runId).textContent()).toMatch(/completed/i)
    await page.close()
  })

  it('runs an audit edited in the New audit form: the engine receives the edited spec', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const app = new AuditPage(page)
    await page.goto(server.url)
    await app.newAuditButton.click()
    await app.formField('name').fill('e2e form audit')
    await app.formField('attack.eps').fill('0')
    await expect.poll(() => app.startAuditButton.isDisabled()).toBe(true)
    await app.formField('attack.eps').fill('8')
    await app.formField('dataset.trainLimit').fill('600')
    await app.technique('mi').check()
    await expect.poll(() => app.startAuditButton.isEnabled()).toBe(true)
    await app.startAuditButton.click()
    await app.heatmap.waitFor({ timeout: 240_000 })
    const ids = await page.locator('[data-testid^="run-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    const formRunId = (ids.find((id) => id && /e2e-form-audit/.test(id)) ?? '').replace(/^run-/, '')
    expect(formRunId).not.toBe('')
    const record = JSON.parse(await readFile(join(workspace, 'runs', formRunId, 'run.json'), 'utf8')) as {
      spec: { dataset: { trainLimit: number }; attack: { eps: number; stack: unknown } }
    }
    expect(record.spec.attack.eps).toBe(8 / 255)
    expect(record.spec.attack.stack).toEqual({ mi: { mu: 1.2 } })
    expect(record.spec.dataset.trainLimit).toBe(600)
    await page.close()
  })

  it('imports the committed ONNX fixture through the Target zoo wizard and shows its accuracy', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    await page.goto(server.url)
    await page.getByTestId('open-zoo').click()
    await page.getByTestId('zoo-path').fill(join(ROOT, 'tests/fixtures/onnx/fmnist-cnn.onnx'))
    await page.getByTestId('zoo-mean').fill('0.286')
    await page.getByTestId('zoo-std').fill('0.353')
    await page.getByTestId('zoo-check').click()
    await expect.poll(() => page.getByTestId('zoo-check-accuracy').textContent(), { timeout: 60_000 }).toMatch(/^\d+\.\d %$/)
    expect(await page.getByTestId('zoo-detected').textContent()).toContain('28×28×1 NCHW')
    await page.getByTestId('zoo-name').fill('in-house-onnx')
    await page.getByTestId('zoo-add').click()
    await page.getByTestId('zoo-target-in-house-onnx').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('zoo-target-in-house-onnx').textContent()).toMatch(/\d+\.\d % \(\d+\/500\)/)
    await page.screenshot({ path: join(ROOT, 'docs/screenshots/target-zoo.png'), fullPage: false })
    await page.close()
  })
})
