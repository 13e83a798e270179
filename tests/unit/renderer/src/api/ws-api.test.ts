// @vitest-environment jsdom
import type { FlatlineApi } from '@contract/api'
import type { JobEvent } from '@contract/job-events'
import type { WsRequest } from '@contract/ws-protocol'
import { describe, expect, it, vi } from 'vitest'
import { resolveApi, tokenFromSearch } from '../../../../../renderer/src/api/index'
import { connectWsApi, wsUrlFor, type WebSocketLike } from '../../../../../renderer/src/api/ws-api'

/** A socket the test drives by hand: it records what the client sends and replays server frames. */
class FakeSocket extends EventTarget implements WebSocketLike {
  readyState = 0
  sent: WsRequest[] = []
  constructor(readonly url: string) {
    super()
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send before open')
    this.sent.push(JSON.parse(data) as WsRequest)
  }
  close(): void {
    this.serverClose(1000)
  }
  open(): void {
    this.readyState = 1
    this.dispatchEvent(new Event('open'))
  }
  serverSend(message: unknown): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message)
    this.dispatchEvent(new MessageEvent('message', { data }))
  }
  serverClose(code: number): void {
    this.readyState = 3
    this.dispatchEvent(new CloseEvent('close', { code }))
  }
  override addEventListener(type: string, listener: (event: Event) => void): void {
    super.addEventListener(type, listener)
  }
}

function connect() {
  let socket: FakeSocket | null = null
  const connection = connectWsApi('ws://127.0.0.1:5000/api?token=abc', {
    createSocket: (url) => (socket = new FakeSocket(url))
  })
  return { connection, socket: socket! as FakeSocket }
}

describe('connectWsApi', () => {
  it('queues calls until the socket opens, then sends them with increasing ids', async () => {
    const { connection, socket } = connect()
    void connection.api.app.info()
    void connection.api.runs.get('run-7')
    expect(socket.sent).toEqual([])
    socket.open()
    expect(socket.sent).toEqual([
      { id: 1, channel: 'app:info' },
      { id: 2, channel: 'runs:get', payload: { runId: 'run-7' } }
    ])
  })

  it('matches responses to requests by id, in any order', async () => {
    const { connection, socket } = connect()
    socket.open()
    const list = connection.api.runs.list()
    const info = connection.api.app.info()
    const [listReq, infoReq] = socket.sent
    expect(listReq.channel).toBe('runs:list')
    expect(infoReq.channel).toBe('app:info')
    socket.serverSend({ id: infoReq.id, ok: true, result: { backend: 'wasm' } })
    socket.serverSend({ id: listReq.id, ok: true, result: [{ id: 'r1' }] })
    await expect(info).resolves.toEqual({ backend: 'wasm' })
    await expect(list).resolves.toEqual([{ id: 'r1' }])
  })

  it('rejects with the server error message when ok is false', async () => {
    const { connection, socket } = connect()
    socket.open()
    const start = connection.api.audit.start({ surrogates: [], targets: [] })
    const other = connection.api.app.info()
    socket.serverSend({
      id: socket.sent[0].id,
      ok: false,
      error: 'surrogates: an audit needs at least one surrogate'
    })
    await expect(start).rejects.toThrow(
      new Error('surrogates: an audit needs at least one surrogate')
    )
    // The other call is still pending and still answerable.
    socket.serverSend({ id: socket.sent[1].id, ok: true, result: { backend: 'cpu' } })
    await expect(other).resolves.toEqual({ backend: 'cpu' })
  })

  it('delivers pushed job events to subscribers until they unsubscribe', () => {
    const { connection, socket } = connect()
    socket.open()
    const seen: JobEvent[] = []
    const unsubscribe = connection.api.audit.onEvent((event) => seen.push(event))
    const event: JobEvent = { jobId: 'j1', kind: 'task-done', taskId: 't', seconds: 1 }
    socket.serverSend({ event })
    unsubscribe()
    socket.serverSend({ event: { ...event, taskId: 'u' } })
    expect(seen).toEqual([event])
  })

  it('ignores malformed frames and responses to unknown ids without breaking later calls', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { connection, socket } = connect()
    socket.open()
    const info = connection.api.app.info()
    socket.serverSend('not json {')
    socket.serverSend({ hello: 'world' })
    socket.serverSend({ id: 999, ok: true, result: null })
    socket.serverSend({ id: socket.sent[0].id, ok: true, result: { backend: 'cpu' } })
    await expect(info).resolves.toEqual({ backend: 'cpu' })
    expect(warn).toHaveBeenCalledTimes(3)
    warn.mockRestore()
  })

  it('on close rejects pending calls, tells onClose listeners, and fails later calls at once', async () => {
    const { connection, socket } = connect()
    socket.open()
    const closed = vi.fn()
    connection.onClose(closed)
    const pending = connection.api.runs.list()
    socket.serverClose(1006)
    await expect(pending).rejects.toThrow(/connection to the Flatline server closed \(code 1006\)/)
    expect(closed).toHaveBeenCalledTimes(1)
    expect(closed.mock.calls[0][0]).toContain('code 1006')
    await expect(connection.api.app.info()).rejects.toThrow(/closed/)
    const late = vi.fn()
    connection.onClose(late)
    expect(late).toHaveBeenCalledTimes(1)
  })
})

describe('wsUrlFor / tokenFromSearch / resolveApi', () => {
  it('builds the socket URL on the page host with the token', () => {
    const url = wsUrlFor({ protocol: 'http:', host: '127.0.0.1:41234' }, 'ab 12')
    expect(url).toBe('ws://127.0.0.1:41234/api?token=ab%2012')
  })

  it('reads the token from the query string', () => {
    expect(tokenFromSearch('?token=deadbeef&x=1')).toBe('deadbeef')
    expect(tokenFromSearch('?token=')).toBeNull()
    expect(tokenFromSearch('')).toBeNull()
  })

  it('prefers the preload api when window.api exists', () => {
    const api = { app: {} } as unknown as FlatlineApi
    const createSocket = vi.fn()
    const resolved = resolveApi(
      { api, location: { protocol: 'app:', host: '', search: '' } },
      { createSocket }
    )
    expect(resolved.api).toBe(api)
    expect(resolved.transport).toBe('electron')
    expect(createSocket).not.toHaveBeenCalled()
  })

  it('opens the WebSocket with the page token otherwise', () => {
    const urls: string[] = []
    const resolved = resolveApi(
      { location: { protocol: 'http:', host: '127.0.0.1:8080', search: '?token=f00d' } },
      { createSocket: (url) => (urls.push(url), new FakeSocket(url)) }
    )
    expect(resolved.transport).toBe('websocket')
    expect(urls).toEqual(['ws://127.0.0.1:8080/api?token=f00d'])
  })

  it('explains what to do when browser mode was opened without its token', () => {
    expect(() =>
      resolveApi({ location: { protocol: 'http:', host: '127.0.0.1:8080', search: '' } })
    ).toThrow(/no session token .*npm run start:browser/)
  })
})
