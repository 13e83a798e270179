/**
 * Browser-mode transport: a FlatlineApi carried over one WebSocket.
 *
 * Each request carries an incrementing id and the server answers with the same id, so several
 * calls may be in flight at once. Pushed job events (`{ event }`) go to every subscriber.
 * There is no reconnect: a closed socket fails every pending and later call, and `onClose`
 * tells the page so it can say what happened instead of spinning forever.
 */
import { createApi, type CommandChannel, type FlatlineApi, type Responses } from '@contract/api'
import type { JobEvent } from '@contract/job-events'
import { WS_PATH, type WsRequest, type WsServerMessage } from '@contract/ws-protocol'

/** The part of the DOM WebSocket this client uses, so tests can hand in a fake. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: Event) => void
  ): void
}

/** A live browser-mode connection. */
export interface WsApiConnection {
  api: FlatlineApi
  /** Calls `listener` once with a human-readable reason when the socket closes; returns the unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void
  close(): void
}

export interface WsApiOptions {
  /** Builds the socket; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocketLike
}

const OPEN = 1

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
}

/**
 * Builds the WebSocket URL for a page served at `location`: `ws://<same host>/api?token=<token>`.
 *
 * The server checks the token on upgrade; it is the only thing keeping other local pages out.
 */
export function wsUrlFor(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`
}

/** Opens the socket at `url` and returns the api over it; calls made before the socket opens are queued. */
export function connectWsApi(url: string, options: WsApiOptions = {}): WsApiConnection {
  const socket = (options.createSocket ?? ((u: string) => new WebSocket(u)))(url)
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const eventListeners = new Set<(event: JobEvent) => void>()
  const closeListeners = new Set<(reason: string) => void>()
  let nextId = 1
  let closedReason: string | null = null

  socket.addEventListener('open', () => {
    for (const message of queue.splice(0)) socket.send(message)
  })

  socket.addEventListener('message', (raw) => {
    const message = parseServerMessage((raw as MessageEvent).data)
    if (!message) return
    if ('event' in message) {
      for (const listener of [...eventListeners]) listener(message.event)
      return
    }
    const waiting = pending.get(message.id)
    if (!waiting) {
      console.warn(`[flatline] response for unknown request id ${message.id}; ignored`)
      return
    }
    pending.delete(message.id)
    if (message.ok) waiting.resolve(message.result)
    else waiting.reject(new Error(message.error))
  })

  socket.addEventListener('close', (event) => {
    const code = (event as CloseEvent).code
    closedReason = `The connection to the Flatline server closed${code ? ` (code ${code})` : ''}.`
    const error = new Error(`${closedReason} Restart it and reload this page.`)
    for (const waiting of pending.values()) waiting.reject(error)
    pending.clear()
    queue.length = 0
    for (const listener of [...closeListeners]) listener(closedReason)
    closeListeners.clear()
  })

  function invoke<C extends CommandChannel>(channel: C, payload: unknown): Promise<Responses[C]> {
    if (closedReason !== null)
      return Promise.reject(new Error(`${closedReason} Restart it and reload this page.`))
    const id = nextId++
    const request: WsRequest = { id, channel, payload }
    const text = JSON.stringify(request)
    return new Promise<Responses[C]>((resolve, reject) => {
      pending.set(id, { resolve: (value) => resolve(value as Responses[C]), reject })
      if (socket.readyState === OPEN) socket.send(text)
      else queue.push(text)
    })
  }

  function subscribe(listener: (event: JobEvent) => void): () => void {
    eventListeners.add(listener)
    return () => eventListeners.delete(listener)
  }

  return {
    api: createApi(invoke, subscribe),
    onClose(listener) {
      if (closedReason !== null) {
        listener(closedReason)
        return () => {}
      }
      closeListeners.add(listener)
      return () => closeListeners.delete(listener)
    },
    close: () => socket.close()
  }
}

/** Parses one server frame; returns null (and warns) for anything that is not a response or a push. */
function parseServerMessage(data: unknown): WsServerMessage | null {
  if (typeof data !== 'string') {
    console.warn('[flatline] ignored a non-text WebSocket frame')
    return null
  }
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    console.warn('[flatline] ignored a WebSocket frame that is not JSON')
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const record = value as Record<string, unknown>
  if ('event' in record && typeof record.event === 'object' && record.event !== null)
    return value as WsServerMessage
  if (typeof record.id === 'number' && typeof record.ok === 'boolean') {
    if (record.ok === false && typeof record.error !== 'string') {
      return { id: record.id, ok: false, error: 'the server reported an error without a message' }
    }
    return value as WsServerMessage
  }
  console.warn('[flatline] ignored a WebSocket frame that is neither a response nor an event')
  return null
}
