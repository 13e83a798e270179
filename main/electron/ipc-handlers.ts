/**
 * The IPC doorway of the main process: every command channel of the contract, and job events.
 *
 * The only module that touches `ipcMain` or sends on a window's `webContents`. Each request is
 * checked at the door: it must come from the top frame of our main window, showing our origin.
 * The service then parses the payload with the contract's zod schema, so handlers get typed values.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { Channels, RequestSchemas, type CommandChannel } from '../contract/api'
import type { JobEvent } from '../contract/job-events'
import type { FlatlineService } from '../service/flatline-service'
import type { IpcResult } from './ipc-result'

/** The window fields the sender check reads. */
export type TrustedWindow = Pick<BrowserWindow, 'isDestroyed'> & {
  webContents: Pick<WebContents, 'mainFrame'>
}

export interface IpcHandlerOptions {
  service: Pick<FlatlineService, 'handle'>
  /** The main window, or null while there is none (macOS keeps running without windows). */
  getWindow: () => TrustedWindow | null
  /** Whether a URL belongs to the UI's origin (see renderer-location.ts). */
  isTrusted: (url: string) => boolean
  /**
   * Whether an error is an expected, user-facing refusal (bad payload, run in progress).
   * Other errors are logged with their stack as well; the user sees the message either way.
   */
  isExpectedError?: (error: unknown) => boolean
}

/**
 * Whether an invoke comes from our main window's top frame, currently showing our origin.
 *
 * Subframes, other windows and pages that navigated elsewhere are refused even though only our
 * preload can reach `ipcRenderer`: checking here does not depend on the preload staying correct.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: TrustedWindow | null,
  isTrusted: (url: string) => boolean
): boolean {
  const frame = event.senderFrame
  if (!window || window.isDestroyed() || !frame) return false
  if (event.sender !== window.webContents) return false
  const top = window.webContents.mainFrame
  if (
    frame.parent !== null ||
    frame.processId !== top.processId ||
    frame.routingId !== top.routingId
  )
    return false
  return isTrusted(frame.url)
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message
  return `Unexpected error: ${String(error)}`
}

/**
 * Registers `ipcMain.handle` for every command channel of the contract.
 *
 * Returns a function that removes the handlers again (tests, and a clean quit).
 */
export function registerIpcHandlers(options: IpcHandlerOptions): () => void {
  const channels = Object.keys(RequestSchemas) as CommandChannel[]
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<IpcResult> => {
      if (!isTrustedSender(event, options.getWindow(), options.isTrusted)) {
        const from = event.senderFrame?.url ?? 'a closed frame'
        console.warn(`[flatline] refused "${channel}" from ${from}: not the Flatline window`)
        throw new Error(`Request "${channel}" refused: it did not come from the Flatline window.`)
      }
      try {
        return { ok: true, value: await options.service.handle(channel, payload) }
      } catch (error) {
        if (!options.isExpectedError?.(error))
          console.error(`[flatline] "${channel}" failed:`, error)
        return { ok: false, error: messageOf(error) }
      }
    })
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}

/** The webContents fields the event forwarder uses. */
export type JobEventSink = Pick<WebContents, 'send' | 'isDestroyed' | 'on'>

export interface JobEventForwarder {
  /** Sends events to this window's page from its next `did-finish-load` on. */
  attach(contents: JobEventSink): void
  /** Sends an event now if the page is ready, otherwise queues it. */
  send(event: JobEvent): void
  /** Events waiting for the page. */
  pending(): number
}

/** Upper bound on queued events while no page listens (a closed window on macOS), oldest dropped first. */
export const MAX_QUEUED_EVENTS = 5000

/**
 * Forwards job events to the window, queueing them until the page has loaded.
 *
 * Events that arrive before the renderer has subscribed (the engine's first progress while the
 * page is still loading, or during a reload) would otherwise be lost; the renderer subscribes while
 * its scripts run, before `did-finish-load`.
 */
export function createJobEventForwarder(): JobEventForwarder {
  let target: JobEventSink | null = null
  let ready = false
  const queue: JobEvent[] = []

  function flush(): void {
    while (target && ready && !target.isDestroyed() && queue.length > 0) {
      target.send(Channels.JobEvent, queue.shift())
    }
  }

  return {
    attach(contents) {
      target = contents
      ready = false
      contents.on('did-start-loading', () => {
        if (target === contents) ready = false
      })
      contents.on('did-finish-load', () => {
        if (target !== contents) return
        ready = true
        flush()
      })
      contents.on('destroyed', () => {
        if (target !== contents) return
        target = null
        ready = false
      })
    },
    send(event) {
      if (target && ready && !target.isDestroyed()) {
        target.send(Channels.JobEvent, event)
        return
      }
      queue.push(event)
      if (queue.length > MAX_QUEUED_EVENTS) queue.shift()
    },
    pending: () => queue.length
  }
}
