/**
 * The app in browser mode for an end-to-end test: the real engine in its child process, the service
 * over a fresh workspace, the built renderer served on a free port, and Debian's Chromium. A report
 * is exported as in browser mode: a PDF printed by Chromium, behind the server's download URL.
 */
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import {
  exportedPdfPath,
  pdfDownloadPath,
  startBrowserServer,
  type BrowserServer
} from '../../main/browser/browser-server'
import { NodeEngineClient } from '../../main/engine-host/node-engine-client'
import { htmlToPdf } from '../../main/report/pdf-chromium'
import { createFlatlineService } from '../../main/service/flatline-service'
import { launchChromium } from './browser-chromium'

const ROOT = resolve(__dirname, '../..')
const RENDERER = join(ROOT, 'out/renderer')

export interface BrowserApp {
  server: BrowserServer
  browser: Browser
  /** The service's workspace folder (runs/, studies/, zoo/). */
  workspace: string
  close(): Promise<void>
}

/** Starts it all; the engine reads `process.env` as it is now (set FLATLINE_DEMO_SPEC first). */
export async function startBrowserApp(): Promise<BrowserApp> {
  if (!existsSync(join(RENDERER, 'index.html')))
    throw new Error('build the renderer first: npm run build:renderer')
  const workspace = await mkdtemp(join(tmpdir(), 'flatline-e2e-'))
  const engine = new NodeEngineClient({ ...process.env })
  let server: BrowserServer | undefined
  let browser: Browser | undefined
  const close = async (): Promise<void> => {
    await browser?.close()
    engine.dispose()
    await server?.close()
  }
  try {
    const service = await createFlatlineService({
      workspaceRoot: workspace,
      engine,
      shell: 'browser',
      appVersion: 'e2e',
      exportPdf: async (id, html, kind = 'run') => {
        await htmlToPdf(html, exportedPdfPath(service, id, kind))
        return { url: `${pdfDownloadPath(id, kind)}?token=${server!.token}` }
      }
    })
    server = await startBrowserServer({ service, rendererDir: RENDERER })
    browser = await launchChromium()
    return { server, browser, workspace, close }
  } catch (error) {
    await close()
    throw error
  }
}
