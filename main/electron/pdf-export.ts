/**
 * "Export PDF" in the Electron shell: ask where to save, print the report HTML, write the file.
 *
 * The report is printed by Chromium itself (`printToPDF`), so the PDF matches what the report
 * view shows. It is rendered in a hidden window that has no preload, runs no JavaScript, lives in
 * its own in-memory session and may load nothing but the report file, so a run name typed into
 * the report cannot make it do anything.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { BrowserWindow, app, dialog, session, type SaveDialogOptions } from 'electron'
import type { PdfExport } from '../contract/api'
import { writeFileAtomic } from '../engine/workspace/atomic-write'

/** In-memory session of the print window: no cookies or cache shared with the app. */
const PRINT_PARTITION = 'flatline-pdf'

/** File name offered in the save dialog. */
export function defaultPdfName(runId: string): string {
  return `${runId}-transfer-report.pdf`
}

/** Adds `.pdf` when the user typed a name without it (GTK's dialog does not add it). */
export function withPdfExtension(path: string): string {
  return extname(path).toLowerCase() === '.pdf' ? path : `${path}.pdf`
}

/**
 * Prints report HTML to PDF bytes (A4, backgrounds on) in a hidden, script-less window.
 *
 * The HTML goes through a temp file rather than a data URL: reports with embedded heatmaps can
 * exceed the length Chromium accepts for a URL.
 */
export async function renderPdf(html: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'flatline-report-'))
  const file = join(dir, 'report.html')
  const printSession = session.fromPartition(PRINT_PARTITION)
  printSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !details.url.startsWith('file:') && !details.url.startsWith('data:') })
  })
  const window = new BrowserWindow({
    show: false,
    width: 794,
    height: 1123,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      session: printSession
    }
  })
  try {
    await writeFile(file, html, 'utf8')
    await window.loadFile(file)
    return await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true })
  } finally {
    window.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Asks where to save the run's report, prints it and writes the PDF atomically.
 *
 * Resolves `{ path }` of the written file, or null when the user cancels the dialog. The dialog
 * opens in the user's Documents folder with `<runId>-transfer-report.pdf`.
 */
export async function exportReportPdf(
  runId: string,
  html: string,
  parent: BrowserWindow | null = null
): Promise<PdfExport | null> {
  const options: SaveDialogOptions = {
    title: 'Export transfer report',
    defaultPath: join(app.getPath('documents'), defaultPdfName(runId)),
    buttonLabel: 'Export PDF',
    filters: [{ name: 'PDF document', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation']
  }
  const choice = parent
    ? await dialog.showSaveDialog(parent, options)
    : await dialog.showSaveDialog(options)
  if (choice.canceled || !choice.filePath) return null
  const target = withPdfExtension(choice.filePath)
  const pdf = await renderPdf(html)
  try {
    await writeFileAtomic(target, pdf)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(
      `Could not save the PDF to ${target} (${reason}). Choose a folder you can write to.`
    )
  }
  return { path: target }
}
