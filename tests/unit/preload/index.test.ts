import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => {
  // A real emitter stands in for ipcRenderer so listener bookkeeping is the genuine article.
  // vi.hoisted code runs before the imports, so it can only require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events')
  const ipcRenderer = Object.assign(new Emitter(), {
    invoke: vi.fn(async (_channel: string, _payload: unknown): Promise<unknown> => ({
      ok: true,
      value: 'answer'
    }))
  })
  return { ipcRenderer, contextBridge: { exposeInMainWorld: vi.fn() } }
})
vi.mock('electron', () => electron)

import { Channels, RequestSchemas } from '../../../main/contract/api'
import type { JobEvent } from '../../../main/contract/job-events'
import { COMMAND_CHANNELS, api, invoke, subscribe } from '../../../preload/index'

const event: JobEvent = { jobId: 'job-1', kind: 'completed', runId: 'run-1' }

describe('preload bridge', () => {
  it('exposes the contract API as window.api, functions only', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledWith('api', api)
    expect(typeof api.audit.start).toBe('function')
    expect(typeof api.report.exportPdf).toBe('function')
    expect(JSON.stringify(api)).not.toContain('ipcRenderer')
  })

  it('allows exactly the contract command channels', () => {
    expect([...COMMAND_CHANNELS].sort()).toEqual(Object.keys(RequestSchemas).sort())
    expect(COMMAND_CHANNELS.has(Channels.JobEvent)).toBe(false)
  })

  it.each(['shell:open-external', Channels.JobEvent, 'runs:list ', '__proto__', 'constructor'])(
    'refuses to invoke %j without reaching ipcRenderer',
    async (channel) => {
      electron.ipcRenderer.invoke.mockClear()
      // @ts-expect-error: the page could call invoke with anything at runtime; the types forbid it.
      await expect(invoke(channel, undefined)).rejects.toThrow(/is not a Flatline command/)
      expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled()
    }
  )

  it('unwraps main answers and turns a refusal into an Error with main message', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [{ id: 'r' }] })
    await expect(api.runs.list()).resolves.toEqual([{ id: 'r' }])
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channels.ListRuns, undefined)
    electron.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: 'This run is still in progress: cancel it first.'
    })
    await expect(api.runs.remove('r')).rejects.toThrow(
      /^This run is still in progress: cancel it first\.$/
    )
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channels.DeleteRun, { runId: 'r' })
  })

  it('passes listeners only the event payload, never the IPC event', () => {
    const listener = vi.fn()
    const unsubscribe = subscribe(listener)
    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0 }
    electron.ipcRenderer.emit(Channels.JobEvent, ipcEvent, event)
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener.mock.calls[0]).toEqual([event])
    unsubscribe()
  })

  it('unsubscribe removes exactly its own listener', () => {
    const emitter = electron.ipcRenderer as unknown as EventEmitter
    const before = emitter.listenerCount(Channels.JobEvent)
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = api.audit.onEvent(first)
    const stopSecond = api.audit.onEvent(second)
    expect(emitter.listenerCount(Channels.JobEvent)).toBe(before + 2)
    stopFirst()
    expect(emitter.listenerCount(Channels.JobEvent)).toBe(before + 1)
    emitter.emit(Channels.JobEvent, {}, event)
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledWith(event)
    stopFirst()
    expect(emitter.listenerCount(Channels.JobEvent)).toBe(before + 1)
    stopSecond()
    expect(emitter.listenerCount(Channels.JobEvent)).toBe(before)
  })
})
