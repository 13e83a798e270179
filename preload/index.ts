/**
 * The preload bridge: exposes `window.api` (the contract's `FlatlineApi`) to the sandboxed page.
 *
 * The page gets functions, never `ipcRenderer`: `invoke` only sends on the contract's command
 * channels, and job-event listeners receive the event payload alone, never Electron's
 * `IpcRendererEvent` (which would hand the page `sender`, i.e. ipcRenderer itself).
 * Bundled to one CommonJS file because sandboxed preloads cannot load ES modules or node_modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  Channels,
  RequestSchemas,
  createApi,
  type CommandChannel,
  type Responses
} from '../main/contract/api'
import type { JobEvent } from '../main/contract/job-events'
import type { IpcResult } from '../main/electron/ipc-result'

/** The channels `invoke` may use: exactly the contract's commands. */
export const COMMAND_CHANNELS: ReadonlySet<string> = new Set(Object.keys(RequestSchemas))

/**
 * Sends a command to main and returns its answer; rejects with main's user-facing message.
 *
 * A channel outside the contract is refused here, before anything reaches main.
 */
export async function invoke<C extends CommandChannel>(
  channel: C,
  payload: unknown
): Promise<Responses[C]> {
  if (typeof channel !== 'string' || !COMMAND_CHANNELS.has(channel))
    throw new Error(
      `Blocked request on channel ${JSON.stringify(channel)}: it is not a Flatline command.`
    )
  const result = (await ipcRenderer.invoke(channel, payload)) as IpcResult
  if (!result.ok) throw new Error(result.error)
  return result.value as Responses[C]
}

/** Listens to job events; the returned function removes exactly this listener. */
export function subscribe(listener: (event: JobEvent) => void): () => void {
  const handler = (_event: IpcRendererEvent, payload: JobEvent): void => listener(payload)
  ipcRenderer.on(Channels.JobEvent, handler)
  return () => {
    ipcRenderer.removeListener(Channels.JobEvent, handler)
  }
}

export const api = createApi(invoke, subscribe)

/** The type of `window.api` in the Electron shell (preload/window-api.d.ts declares it on Window). */
export type FlatlineWindowApi = typeof api

contextBridge.exposeInMainWorld('api', api)
