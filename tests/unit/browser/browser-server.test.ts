import { mkdtemp, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Channels } from '../../../main/contract/api'
import { WS_PATH, type WsServerMessage } from '../../../main/contract/ws-protocol'
import { startBrowserServer, type BrowserServer } from '../../../main/browser/browser-server'
import { createFlatlineService } from '../../../main/service/flatline-service'
import { RecordingEngine } from '../helpers/fake-engine'

let server: BrowserServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start() {
  const engine = new RecordingEngine()
  const renderer = await mkdtemp(join(tmpdir(), 'flatline-renderer-'))
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Flatline</title>')
  const service = await createFlatlineService({
    workspaceRoot: await mkdtemp(join(tmpdir(), 'flatline-ws-')),
    engine,
    shell: 'browser',
    appVersion: '0.0.1',
    exportPdf: async () => null
  })
  server = await startBrowserServer({ service, rendererDir: renderer })
  return { engine, server }
}

function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function connect(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
}

describe('browser-mode server', () => {
  it('listens on loopback only and serves the renderer, refusing traversal and foreign Host headers', async () => {
    const { server } = await start()
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/)
    expect((await get(server.port, '/')).body).toContain('<title>Flatline</title>')
    expect((await get(server.port, '/..%2f..%2fetc%2fpasswd')).status).toBe(404)
    expect((await get(server.port, '/', 'evil.example:80')).status).toBe(403)
  })

  it('refuses a WebSocket without the token or from another origin', async () => {
    const { server } = await start()
    const origin = `http://127.0.0.1:${server.port}`
    await expect(
      connect(`ws://127.0.0.1:${server.port}${WS_PATH}?token=wrong`, origin)
    ).rejects.toThrow(/403/)
    await expect(
      connect(
        `ws://127.0.0.1:${server.port}${WS_PATH}?token=${server.token}`,
        'http://evil.example'
      )
    ).rejects.toThrow(/403/)
  })

  it('carries requests, validation errors and job events over the socket', async () => {
    const { server, engine } = await start()
    const origin = `http://127.0.0.1:${server.port}`
    const ws = await connect(
      `ws://127.0.0.1:${server.port}${WS_PATH}?token=${server.token}`,
      origin
    )
    const messages: WsServerMessage[] = []
    const next = () =>
      new Promise<WsServerMessage>((resolve) =>
        ws.once('message', (d) => resolve(JSON.parse(String(d))))
      )
    ws.send(JSON.stringify({ id: 1, channel: Channels.AppInfo, payload: undefined }))
    messages.push(await next())
    expect(messages[0]).toMatchObject({
      id: 1,
      ok: true,
      result: { version: '0.0.1', shell: 'browser' }
    })
    ws.send(JSON.stringify({ id: 2, channel: Channels.GetRun, payload: { runId: '../x' } }))
    const bad = await next()
    expect(bad).toMatchObject({ id: 2, ok: false })
    expect('error' in bad && bad.error).toMatch(/runId/)
    const pushed = next()
    engine.emit({ jobId: 'j', kind: 'cancelled' })
    expect(await pushed).toEqual({ event: { jobId: 'j', kind: 'cancelled' } })
    ws.close()
  })
})
