import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const fake = vi.hoisted(() => ({
  documents: '',
  saveResult: { canceled: true, filePath: '' } as { canceled: boolean; filePath?: string },
  dialogCalls: [] as unknown[][],
  windows: [] as Array<{
    options: Record<string, unknown>
    loaded?: string
    html?: string
    destroyed: boolean
  }>,
  pdfBytes: Buffer.from('%PDF-1.4 fake'),
  blocker: undefined as
    | undefined
    | ((details: { url: string }, callback: (response: { cancel: boolean }) => void) => void)
}))

vi.mock('electron', async () => {
  const { readFile: read } = await import('node:fs/promises')
  class BrowserWindow {
    record: (typeof fake.windows)[number]
    webContents = { printToPDF: vi.fn(async () => fake.pdfBytes) }
    constructor(options: Record<string, unknown>) {
      this.record = { options, destroyed: false }
      fake.windows.push(this.record)
    }
    async loadFile(path: string) {
      this.record.loaded = path
      this.record.html = await read(path, 'utf8')
    }
    destroy() {
      this.record.destroyed = true
    }
  }
  return {
    BrowserWindow,
    app: { getPath: (name: string) => (name === 'documents' ? fake.documents : '/nope') },
    dialog: {
      showSaveDialog: async (...args: unknown[]) => {
        fake.dialogCalls.push(args)
        return fake.saveResult
      }
    },
    session: {
      fromPartition: () => ({
        webRequest: { onBeforeRequest: (handler: typeof fake.blocker) => (fake.blocker = handler) }
      })
    }
  }
})

import {
  defaultPdfName,
  exportReportPdf,
  withPdfExtension
} from '../../../../main/electron/pdf-export'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flatline-pdf-'))
  fake.documents = dir
  fake.dialogCalls.length = 0
  fake.windows.length = 0
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('exportReportPdf', () => {
  it('offers <runId>-transfer-report.pdf in Documents and returns null when cancelled', async () => {
    fake.saveResult = { canceled: true }
    expect(await exportReportPdf('run-42', '<h1>r</h1>')).toBeNull()
    const options = fake.dialogCalls[0][0] as {
      defaultPath: string
      filters: Array<{ extensions: string[] }>
    }
    expect(options.defaultPath).toBe(join(dir, 'run-42-transfer-report.pdf'))
    expect(options.filters[0].extensions).toEqual(['pdf'])
    expect(fake.windows).toHaveLength(0)
  })

  it('prints the HTML in a hidden, script-less window and writes the PDF where the user chose', async () => {
    const target = join(dir, 'chosen.pdf')
    fake.saveResult = { canceled: false, filePath: target }
    const result = await exportReportPdf('run-42', '<h1>Transfer report</h1>')
    expect(result).toEqual({ path: target })
    expect(await readFile(target)).toEqual(fake.pdfBytes)
    const [window] = fake.windows
    expect(window.options).toMatchObject({
      show: false,
      webPreferences: { sandbox: true, javascript: false, contextIsolation: true }
    })
    expect(window.options.webPreferences).not.toHaveProperty('preload')
    expect(window.html).toBe('<h1>Transfer report</h1>')
    expect(window.destroyed).toBe(true)
    // The temp copy of the report is gone, and no temp file was left next to the PDF.
    expect(existsSync(window.loaded!)).toBe(false)
    expect(await readdir(dir)).toEqual(['chosen.pdf'])
  })

  it('adds .pdf to a name typed without it', async () => {
    fake.saveResult = { canceled: false, filePath: join(dir, 'report') }
    expect(await exportReportPdf('r', '<p/>')).toEqual({ path: join(dir, 'report.pdf') })
    expect(withPdfExtension('/a/b.PDF')).toBe('/a/b.PDF')
    expect(defaultPdfName('abc')).toBe('abc-transfer-report.pdf')
  })

  it('lets the print window load only the local report', async () => {
    fake.saveResult = { canceled: false, filePath: join(dir, 'x.pdf') }
    await exportReportPdf('r', '<p/>')
    const decide = (url: string) => {
      let cancel: boolean | undefined
      fake.blocker!({ url }, (response) => (cancel = response.cancel))
      return cancel
    }
    expect(decide('file:///tmp/flatline-report-x/report.html')).toBe(false)
    expect(decide('https://tracker.example/pixel.png')).toBe(true)
  })

  it('names the file and the way out when the folder cannot be written', async () => {
    const target = join(dir, 'missing-folder', 'x.pdf')
    fake.saveResult = { canceled: false, filePath: target }
    await expect(exportReportPdf('r', '<p/>')).rejects.toThrow(
      new RegExp(
        `Could not save the PDF to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*Choose a folder you can write to`
      )
    )
    expect(fake.windows[0].destroyed).toBe(true)
  })
})
