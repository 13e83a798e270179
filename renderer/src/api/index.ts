/**
 * Picks the transport: Electron's preload api when present, else the browser-mode WebSocket.
 *
 * The page never cares which one it got; only the "connection lost" banner does, and Electron's
 * IPC has no connection to lose.
 */
import type { FlatlineApi } from '@contract/api'
import { connectWsApi, wsUrlFor, type WsApiOptions } from './ws-api'

export interface ApiConnection {
  api: FlatlineApi
  transport: 'electron' | 'websocket'
  /** Calls `listener` with a reason if the transport is lost; returns the unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void
}

/** Reads the session token from a query string such as `?token=ab12`; null when absent or empty. */
export function tokenFromSearch(search: string): string | null {
  const token = new URLSearchParams(search).get('token')
  return token ? token : null
}

/**
 * Returns the api for this page.
 *
 * Throws with what to do when neither transport is available (browser mode opened without its token).
 */
export function resolveApi(
  win: { api?: FlatlineApi; location: Pick<Location, 'protocol' | 'host' | 'search'> } = window,
  options: WsApiOptions = {}
): ApiConnection {
  if (win.api) return { api: win.api, transport: 'electron', onClose: () => () => {} }
  const token = tokenFromSearch(win.location.search)
  if (!token) {
    throw new Error(
      'This page has no session token in its address (?token=…). Open the exact URL printed by ' +
        '`npm run start:browser`, or start the desktop app.'
    )
  }
  const connection = connectWsApi(wsUrlFor(win.location, token), options)
  return { api: connection.api, transport: 'websocket', onClose: connection.onClose }
}
