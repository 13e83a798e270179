/**
 * Browser mode: the contract carried over one local WebSocket.
 *
 * The page sends `WsRequest`s; the server answers each with a `WsResponse` of the same id, and
 * pushes every job event as a `WsPush`. The socket URL carries the random token of the session.
 */
import type { JobEvent } from './job-events'

export interface WsRequest {
  id: number
  channel: string
  payload: unknown
}

export type WsResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }

export interface WsPush {
  event: JobEvent
}

export type WsServerMessage = WsResponse | WsPush

/** Path of the WebSocket endpoint; the token goes in the query string (`?token=`). */
export const WS_PATH = '/api'
