/**
 * The demo audit through the real UI: browser mode serves the built renderer, the engine runs in
 * its child process on the real backend, Chromium clicks "Run demo audit". The demo spec is
 * swapped for a tiny one (FLATLINE_DEMO_SPEC) so the run fits in CI; everything else is the app.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserApp, type BrowserApp } from './browser-app'
import { AuditPage } from './pages/audit-page'
import { DatasetsPage } from './pages/datasets-page'
import { RunGallery } from './pages/run-gallery'

const ROOT = resolve(__dirname, '../..')
const TINY_SPEC = join(ROOT, 'tests/fixtures/e2e-audit.json')
const SCREENSHOT = join(ROOT, 'docs/screenshots/heatmap.png')
const shot = (name: string) => join(ROOT, 'docs/screenshots', name)

let served: BrowserApp

beforeAll(async () => {
  process.env.FLATLINE_DEMO_SPEC = TINY_SPEC
  served = await startBrowserApp()
})

afterAll(() => served?.close())

describe('demo audit in the UI', () => {
  let runId = ''

  it('runs the demo audit with live progress and shows a number in every heatmap cell', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 900 } })
    const app = new AuditPage(page)
    await page.goto(served.server.url)
    await expect
      .poll(() => app.backendName.textContent(), { timeout: 60_000 })
      .toMatch(/wasm|cpu|tfjs-node/)
    await app.runDemoButton.click()
    await app.taskBar('train-surrogate-cnn').waitFor({ timeout: 60_000 })
    // One worker process per core by default: the run page shows each one's task and the audit's ETA.
    const workers = page.getByTestId('job-workers')
    await workers.waitFor({ timeout: 60_000 })
    await expect
      .poll(() => workers.textContent(), { timeout: 60_000 })
      .toMatch(/≈ .* left.*worker 1.*Train .*%.*worker 2.*Train .*%/s)
    await page
      .locator('section[aria-labelledby="job-heading"]')
      .screenshot({ path: shot('workers.png') })
    await app.heatmap.waitFor({ timeout: 240_000 })
    const spec = JSON.parse(await readFile(TINY_SPEC, 'utf8')) as { targets: { name: string }[] }
    for (const target of spec.targets) {
      await expect
        .poll(() => app.rate('surrogate-cnn', target.name).textContent(), { timeout: 10_000 })
        .toMatch(/\d+\.\d %/)
    }
    const runs = await page
      .locator('[data-testid^="run-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    runId = (runs.find((id) => id && /^run-\d{8}-/.test(id)) ?? '').replace(/^run-/, '')
    expect(runId).toMatch(/e2e-demo-audit/)
    await page.waitForTimeout(500) // let the chart finish its layout before the picture
    await page.screenshot({ path: SCREENSHOT, fullPage: false })
    await page.close()
  })

  it('shows the example gallery on the run page: images that load and a fooled mark per target', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1300 } })
    await page.goto(served.server.url)
    const app = new AuditPage(page)
    const gallery = new RunGallery(page)
    await app.runItem(runId).click()
    await gallery.root.waitFor({ timeout: 20_000 })
    const saved = JSON.parse(
      await readFile(join(served.workspace, 'runs', runId, 'gallery.json'), 'utf8')
    ) as {
      entries: {
        targets: string[]
        examples: { label: number; predictions: Record<string, number> }[]
      }[]
    }
    // one stack x one surrogate: a single entry, so the page shows exactly its examples (at most 12)
    expect(saved.entries).toHaveLength(1)
    const [entry] = saved.entries
    const shown = await gallery.examples.count()
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThanOrEqual(12)
    expect(shown).toBe(entry.examples.length)
    // original, adversarial and perturbation per example, every one decoded to a real picture
    await expect
      .poll(() => gallery.loadedImages(), { timeout: 10_000 })
      .toEqual({ loaded: 3 * shown, total: 3 * shown })
    // one mark per target and example, and it says what gallery.json says (untargeted: fooled = wrong class)
    expect(entry.targets).toEqual(['target-cnn', 'target-resnet'])
    for (const target of entry.targets) {
      const marks = (await gallery.calls(target).locator('.tag').allTextContents()).map((t) =>
        t.trim()
      )
      expect(marks).toEqual(
        entry.examples.map((x) => (x.predictions[target] !== x.label ? 'fooled' : 'not fooled'))
      )
    }
    await gallery.card.scrollIntoViewIfNeeded()
    await gallery.card.screenshot({ path: shot('gallery.png') })
    await page.close()
  })

  it('exports the PDF report, whose text holds the success-rate table', async () => {
    const page = await served.browser.newPage()
    await page.goto(served.server.url)
    const app = new AuditPage(page)
    await app.runItem(runId).click()
    await app.exportPdfButton.click()
    const pdfPath = join(served.workspace, 'runs', runId, 'report.pdf')
    await expect.poll(() => existsSync(pdfPath), { timeout: 60_000 }).toBe(true)
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' })
    expect(text).toMatch(/surrogate-cnn\s+target-cnn\s+\d+\.\d %/)
    expect(text).toMatch(/surrogate-cnn\s+target-resnet\s+\d+\.\d %/)
    await page.close()
  })

  it('shows the past audit after the page is closed and opened again', async () => {
    const page = await served.browser.newPage()
    await page.goto(served.server.url)
    const app = new AuditPage(page)
    await app.runItem(runId).waitFor({ timeout: 20_000 })
    await expect.poll(() => app.runItem(runId).textContent()).toMatch(/completed/i)
    await page.close()
  })

  it('runs an audit edited in the New audit form: the engine receives the edited spec', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 900 } })
    const app = new AuditPage(page)
    await page.goto(served.server.url)
    await app.newAuditButton.click()
    await app.formField('name').fill('e2e form audit')
    await app.formField('attack.eps').fill('0')
    await expect.poll(() => app.startAuditButton.isDisabled()).toBe(true)
    await app.formField('attack.eps').fill('8')
    await app.formField('dataset.trainLimit').fill('600')
    await app.technique('mi').check()
    await app.formField('workers').fill('0')
    await expect
      .poll(() => page.getByTestId('error-workers').textContent())
      .toMatch(/workers must be at least 1/)
    await app.formField('workers').fill('1')
    await expect.poll(() => app.startAuditButton.isEnabled()).toBe(true)
    // the estimated time: measured on this machine's backend once the models are known (~5 s here)
    await expect
      .poll(() => app.timeEstimate.textContent(), { timeout: 30_000 })
      .toMatch(/measuring|Estimated time on/)
    await expect
      .poll(() => app.timeEstimate.textContent(), { timeout: 30_000 })
      .toMatch(/Estimated time on (wasm|cpu|tfjs-node)[^:]*: ≈ \d/)
    // tall enough for the whole form, its estimate line above the sticky start bar
    const overflow = await page
      .locator('main')
      .evaluate((main) => main.scrollHeight - main.clientHeight)
    await page.setViewportSize({ width: 1440, height: 900 + Math.max(0, overflow) + 24 })
    await page.waitForTimeout(300)
    await page.screenshot({ path: shot('new-audit.png'), fullPage: false })
    await app.startAuditButton.click()
    await app.heatmap.waitFor({ timeout: 240_000 })
    const ids = await page
      .locator('[data-testid^="run-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    const formRunId = (ids.find((id) => id && /e2e-form-audit/.test(id)) ?? '').replace(/^run-/, '')
    expect(formRunId).not.toBe('')
    const record = JSON.parse(
      await readFile(join(served.workspace, 'runs', formRunId, 'run.json'), 'utf8')
    ) as {
      spec: { dataset: { trainLimit: number }; attack: { eps: number; stack: unknown } }
    }
    expect(record.spec.attack.eps).toBe(8 / 255)
    expect(record.spec.attack.stack).toEqual({ mi: { mu: 1.2 } })
    expect(record.spec.dataset.trainLimit).toBe(600)
    await page.close()
  })

  it('imports the committed ONNX fixture through the Target zoo wizard and shows its accuracy', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1000 } })
    await page.goto(served.server.url)
    await page.getByTestId('open-zoo').click()
    await page.getByTestId('zoo-path').fill(join(ROOT, 'tests/fixtures/onnx/fmnist-cnn.onnx'))
    await page.getByTestId('zoo-mean').fill('0.286')
    await page.getByTestId('zoo-std').fill('0.353')
    await page.getByTestId('zoo-use-as-surrogate').check()
    await page.getByTestId('zoo-check').click()
    await expect
      .poll(() => page.getByTestId('zoo-check-accuracy').textContent(), { timeout: 60_000 })
      .toMatch(/^\d+\.\d %$/)
    // "use as surrogate": the engine's own build of the graph, checked against onnxruntime
    expect(await page.getByTestId('zoo-surrogate-check').textContent()).toMatch(
      /Usable as surrogate: engine vs onnxruntime on 100 images.*top-1 agreement\s+100\.0 %/s
    )
    await page.getByTestId('zoo-surrogate-check').scrollIntoViewIfNeeded()
    await page.screenshot({
      path: join(ROOT, 'docs/screenshots/zoo-use-as-surrogate.png'),
      fullPage: false
    })
    expect(await page.getByTestId('zoo-detected').textContent()).toContain('28×28×1 NCHW')
    await page.getByTestId('zoo-name').fill('in-house-onnx')
    await page.getByTestId('zoo-add').click()
    await page.getByTestId('zoo-target-in-house-onnx').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('zoo-target-in-house-onnx').textContent()).toMatch(
      /\d+\.\d % \(\d+\/500\)/
    )
    await page.screenshot({ path: join(ROOT, 'docs/screenshots/target-zoo.png'), fullPage: false })
    await page.close()
  })

  it('runs an audit from the form with the zoo ONNX model as a surrogate beside its l-SAM fine-tuned copy, to its heatmap', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const app = new AuditPage(page)
    await page.goto(served.server.url)
    await app.newAuditButton.click()
    await app.formField('name').fill('e2e onnx surrogate')
    // Tiny settings (300 training and test images, 20 BIM steps on 100 examples) keep the whole run short.
    await app.formField('dataset.trainLimit').fill('300')
    await app.formField('dataset.testLimit').fill('300')
    const estimated = /Estimated time on (wasm|cpu|tfjs-node)[^:]*: (≈ \d|< 1 s)/
    await expect.poll(() => app.timeEstimate.textContent(), { timeout: 60_000 }).toMatch(estimated)
    const without = await app.timeEstimate.textContent()
    // the model imported above with "use as surrogate": a surrogate tick and a fine-tuning choice
    await page.getByTestId('pick-surrogate-in-house-onnx').check()
    await page.getByTestId('fine-tune-in-house-onnx').selectOption('l-sam')
    await expect.poll(() => app.startAuditButton.isEnabled()).toBe(true)
    // The estimate then counts the imported surrogate (measured from its file) and its fine-tuning.
    await expect
      .poll(
        async () => {
          const text = (await app.timeEstimate.textContent()) ?? ''
          return estimated.test(text) && text !== without
        },
        { timeout: 60_000 }
      )
      .toBe(true)
    await page.getByTestId('form-zoo-targets').scrollIntoViewIfNeeded()
    await page.getByTestId('form-zoo-targets').screenshot({ path: shot('form-onnx-surrogate.png') })
    await app.startAuditButton.click()
    await app.taskBar('train-in-house-onnx-l-sam').waitFor({ timeout: 120_000 })
    // The run list refreshes on its own event, which can come after the first task bar.
    const runEntry = page
      .locator('[data-testid^="run-"][data-testid*="e2e-onnx-surrogate"]')
      .first()
    await runEntry.waitFor({ timeout: 30_000 })
    const onnxRunId = ((await runEntry.getAttribute('data-testid')) ?? '').replace(/^run-/, '')
    expect(onnxRunId).not.toBe('')
    const record = JSON.parse(
      await readFile(join(served.workspace, 'runs', onnxRunId, 'run.json'), 'utf8')
    ) as {
      spec: {
        surrogates: { name: string; format?: string; fineTune?: { preset: string } }[]
        targets: { name: string }[]
      }
    }
    expect(
      record.spec.surrogates
        .filter((s) => s.format === 'onnx')
        .map((s) => [s.name, s.fineTune?.preset])
    ).toEqual([
      ['in-house-onnx', undefined],
      ['in-house-onnx-l-sam', 'l-sam']
    ])
    // To the end: the heatmap has a row for the imported surrogate and one for its fine-tuned copy,
    // with a success rate against every target.
    await app.heatmap.waitFor({ timeout: 240_000 })
    for (const surrogate of ['in-house-onnx', 'in-house-onnx-l-sam'])
      for (const target of record.spec.targets)
        await expect
          .poll(() => app.rate(surrogate, target.name).textContent(), { timeout: 10_000 })
          .toMatch(/\d+\.\d %/)
    await page.waitForTimeout(500) // let the chart finish its layout before the picture
    await app.heatmap.scrollIntoViewIfNeeded()
    await app.heatmap.screenshot({ path: shot('heatmap-onnx-surrogate.png') })
    await page.close()
  })

  it('inspects the embedded dataset in the Datasets view: 10 classes counted in the chart, sample images loaded', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1200 } })
    await page.goto(served.server.url)
    const datasets = new DatasetsPage(page)
    await datasets.openButton.click()
    await datasets.source.selectOption('embedded')
    await datasets.inspectButton.click()
    await datasets.inspection.waitFor({ timeout: 60_000 })
    expect(await datasets.inspection.textContent()).toMatch(
      /10 classes · 28×28×1 · 6,000 train · 1,000 test/
    )
    const classes = await datasets.sampleRows.locator('.samples__label').allTextContents()
    expect(classes).toHaveLength(10)
    // the chart is SVG: one axis label per class, and hovering a class tells its counts per split
    const labels = await datasets.chart.locator('svg text').allTextContents()
    for (const name of classes) expect(labels).toContain(name)
    const chart = await datasets.chart.locator('svg').boundingBox()
    const trouser = await datasets.chart.locator('svg text', { hasText: /^Trouser$/ }).boundingBox()
    await page.mouse.move(trouser!.x + trouser!.width / 2, chart!.y + chart!.height / 2)
    await expect
      .poll(() => datasets.chart.innerText(), { timeout: 5_000 })
      .toMatch(/Trouser\s+train: 600\s+test: 100/)
    const widths = await datasets.sampleImages.evaluateAll((imgs) =>
      imgs.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
    )
    expect(widths.length).toBeGreaterThanOrEqual(10)
    expect(widths.every((w) => w === 28)).toBe(true)
    await page.waitForTimeout(500) // the bars grow in an animation; picture them at full height
    await page.screenshot({ path: shot('datasets.png'), fullPage: false })
    await page.close()
  })
  it('hardens the demo target from its run page, then compares the two runs', async () => {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const app = new AuditPage(page)
    await page.goto(served.server.url)
    await app.runItem(runId).click()
    await page.getByTestId('harden-run').click()
    // The form opens on the run's spec with a Harden step on its most exposed trained target.
    await expect.poll(() => page.getByTestId('harden-target').inputValue()).toMatch(/^target-/)
    for (const id of ['sam-0.1', 'pgd-at', 'sam-at'])
      await page.getByTestId(`harden-recipe-${id}`).uncheck()
    await page.getByTestId('harden-measurement').selectOption('quick')
    await page.getByTestId('harden-at-eps').fill('32')
    await expect
      .poll(() => page.getByTestId('harden-warning').textContent())
      .toContain("larger than the audit's ε")
    await page.getByTestId('harden-at-eps').fill('8')
    await page.getByTestId('form-harden').screenshot({ path: shot('harden-form.png') })
    await app.startAuditButton.click()
    const table = page.getByTestId('harden-table')
    await table.waitFor({ timeout: 420_000 })
    expect(await page.getByTestId('harden-row-sgd').textContent()).toContain('baseline')
    // The ε typed with no adversarial recipe left: the form's warning is kept with the run.
    expect(await page.getByTestId('harden-warning').textContent()).toContain(
      'no chosen recipe trains adversarially: it changes nothing unless you add'
    )
    expect(await page.getByTestId('harden-row-sam-0.05').textContent()).toMatch(/\d+\.\d %/)
    expect(await page.getByTestId('harden-recommendation').textContent()).toMatch(
      /Train target-|No recipe lowers transfer/
    )
    await page.getByTestId('run-harden').screenshot({ path: shot('harden.png') })
    // Compare: the demo run (before) against the hardened run (after), same data and targets.
    await page.getByTestId('open-compare').click()
    await page.getByTestId('compare-before').selectOption(runId)
    await page.getByTestId('comparison-heatmap').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('compare-table').textContent()).toMatch(/target-cnn[\s\S]*points/)
    await page.waitForTimeout(500)
    await page.screenshot({ path: shot('compare.png'), fullPage: false })
    await page.close()
  }, 600_000)
})
