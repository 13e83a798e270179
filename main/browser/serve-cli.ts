/**
 * `npm run start:browser`: the app in a browser. The engine runs in a child process; the page
 * is served on 127.0.0.1 with a random token and its URL is printed (open it, or tunnel the port
 * over SSH to use a remote workstation's engine).
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { resourcesDir } from '../engine/data/resources-dir'
import { defaultWorkspaceRoot } from '../engine/workspace/workspace-root'
import { NodeEngineClient } from '../engine-host/node-engine-client'
import { htmlToPdf } from '../report/pdf-chromium'
import { createFlatlineService } from '../service/flatline-service'
import { exportedPdfPath, pdfDownloadPath, startBrowserServer } from './browser-server'

const repoRoot = join(resourcesDir(), '..')
const version = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version
const engine = new NodeEngineClient()
let token = ''
const service = await createFlatlineService({
  workspaceRoot: process.env.FLATLINE_WORKSPACE ?? defaultWorkspaceRoot(),
  engine,
  shell: 'browser',
  appVersion: version,
  exportPdf: async (id, html, kind = 'run') => {
    await htmlToPdf(html, exportedPdfPath(service, id, kind))
    return { url: `${pdfDownloadPath(id, kind)}?token=${token}` }
  }
})
const server = await startBrowserServer({
  service,
  rendererDir: resolve(repoRoot, 'out', 'renderer'),
  port: process.env.FLATLINE_PORT ? Number(process.env.FLATLINE_PORT) : undefined
})
token = server.token
process.stdout.write(
  `Flatline is running in browser mode. Open:\n\n  ${server.url}\n\n(loopback only; Ctrl-C stops it)\n`
)
const stop = async (): Promise<never> => {
  engine.dispose()
  await server.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
