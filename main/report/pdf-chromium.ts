/**
 * HTML to PDF through a local Chromium, driven by playwright-core.
 *
 * Electron's `printToPDF` is not available in the CLI or browser mode, and the Electron binary may
 * not exist at all, so every shell prints through the system's Chromium. Nothing is downloaded:
 * playwright-core only drives the executable it is given.
 */
import { constants } from 'node:fs'
import { access, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** Flags for a quiet, offline, headless print: no sandbox (we run as root in containers), no GPU, no phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

const FOOTER =
  '<div style="width:100%;padding:0 15mm;font:7pt Helvetica,Arial,sans-serif;color:#5b6474;text-align:right">' +
  'page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'

export interface PdfOptions {
  /** Chromium executable; defaults to `$FLATLINE_CHROMIUM`, then `/usr/bin/chromium`. */
  executablePath?: string
}

/**
 * Prints a standalone HTML document to an A4 PDF at `outPath`.
 *
 * The page runs with JavaScript disabled and the network offline: the report needs neither, and a
 * name that slipped past escaping could then still not run or fetch anything. The file is written
 * next to `outPath` first and renamed into place, so a reader never sees half a PDF.
 */
export async function htmlToPdf(
  html: string,
  outPath: string,
  options: PdfOptions = {}
): Promise<void> {
  const executablePath = options.executablePath ?? process.env.FLATLINE_CHROMIUM ?? DEFAULT_CHROMIUM
  await assertWritableFolder(outPath)
  await assertExecutable(executablePath)
  let browser: Browser | undefined
  const tmpPath = `${outPath}.tmp-${process.pid}`
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 })
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true })
    const page = await context.newPage()
    await page.setContent(html, { waitUntil: 'load', timeout: 60_000 })
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      // Page numbers: an audit report is read on paper and cited by page. The margins match the
      // document's own `@page` rule so the footer has room below the text.
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
      margin: { top: '16mm', right: '15mm', bottom: '18mm', left: '15mm' }
    })
    await writeFile(tmpPath, pdf)
    await rename(tmpPath, outPath)
  } catch (error) {
    await rm(tmpPath, { force: true })
    throw new Error(
      `Could not print the report to ${outPath}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error
      }
    )
  } finally {
    await browser?.close()
  }
}

/** Checked before Chromium starts, so a bad path fails in milliseconds rather than after a browser launch. */
async function assertWritableFolder(outPath: string): Promise<void> {
  const folder = dirname(outPath)
  try {
    await access(folder, constants.W_OK)
  } catch {
    throw new Error(
      `Could not print the report to ${outPath}: the folder ${folder} does not exist or is not writable; choose another location.`
    )
  }
}

async function assertExecutable(executablePath: string): Promise<void> {
  try {
    await access(executablePath, constants.X_OK)
  } catch {
    throw new Error(
      `Chromium not found at ${executablePath}: PDF export needs a Chromium browser. Install it ` +
        '(on Debian: apt-get install chromium) or set FLATLINE_CHROMIUM to the path of a Chromium or Chrome executable.'
    )
  }
}
