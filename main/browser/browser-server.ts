/**
 * Browser mode: the renderer served on 127.0.0.1 with the contract carried over one WebSocket.
 *
 * Loopback only. A random token, given in the page URL, is required on the WebSocket and on
 * downloads; the Host and Origin headers must name this server (no DNS rebinding, no other site
 * driving the engine). Requests are validated by the same service as Electron's IPC.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { WS_PATH, type WsRequest, type WsServerMessage } from '../contract/ws-protocol'
import type { FlatlineService } from '../service/flatline-service'
import { readStaticFile } from './static-files'

export interface BrowserServerOptions {
  service: FlatlineService
  rendererDir: string
  port?: number
  token?: string
}

export interface BrowserServer {
  url: string
  token: string
  port: number
  server: Server
  close(): Promise<void>
}

/** URL path of a run's (or a study's) exported PDF; the service writes the file, the server hands it out. */
export function pdfDownloadPath(runId: string, kind: 'run' | 'study' = 'run'): string {
  return `/download/${kind === 'study' ? 'study/' : ''}${runId}/report.pdf`
}

/** Where the exported PDF of a run or a study lives in the workspace. */
export function exportedPdfPath(
  service: Pick<FlatlineService, 'runStore' | 'studyStore'>,
  id: string,
  kind: 'run' | 'study'
): string {
  return kind === 'study'
    ? join(service.studyStore.studyDir(id), 'report.pdf')
    : service.runStore.artifactPath(id, 'report.pdf')
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('hex')
  let origin = ''
  const tokenOk = (candidate: string | null): boolean =>
    candidate !== null &&
    candidate.length === token.length &&
    timingSafeEqual(Buffer.from(candidate), Buffer.from(token))
  const hostOk = (req: IncomingMessage): boolean => req.headers.host === new URL(origin).host

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin)
    if (!hostOk(req) || req.method !== 'GET') {
      res.writeHead(req.method !== 'GET' ? 405 : 403).end()
      return
    }
    const download = /^\/download\/(study\/)?([A-Za-z0-9_-]{1,80})\/report\.pdf$/.exec(url.pathname)
    if (download) {
      if (!tokenOk(url.searchParams.get('token'))) return void res.writeHead(403).end()
      const [kind, id] = [download[1] ? ('study' as const) : ('run' as const), download[2]]
      try {
        const body = await readFile(exportedPdfPath(options.service, id, kind))
        res.writeHead(200, {
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="${id}-${kind === 'study' ? 'study' : 'transfer'}-report.pdf"`
        })
        res.end(body)
      } catch {
        res.writeHead(404).end('no exported report for this run')
      }
      return
    }
    const file = await readStaticFile(options.rendererDir, url.pathname)
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    res.writeHead(200, {
      'content-type': file.type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff'
    })
    res.end(file.body)
  })

  const sockets = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin)
    if (
      url.pathname !== WS_PATH ||
      !hostOk(req) ||
      req.headers.origin !== origin ||
      !tokenOk(url.searchParams.get('token'))
    ) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n')
      socket.destroy()
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.service))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.close(() => resolve())
      })
  }
}

function serveSocket(ws: WebSocket, service: FlatlineService): void {
  const send = (message: WsServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const unsubscribe = service.onEvent((event) => send({ event }))
  ws.on('close', unsubscribe)
  ws.on('message', async (data) => {
    let request: WsRequest
    try {
      request = JSON.parse(String(data)) as WsRequest
      if (typeof request.id !== 'number' || typeof request.channel !== 'string')
        throw new Error('bad frame')
    } catch {
      return void ws.close(1003, 'malformed request')
    }
    try {
      send({
        id: request.id,
        ok: true,
        result: await service.handle(request.channel, request.payload)
      })
    } catch (error) {
      send({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error)
      })
    }
  })
}
