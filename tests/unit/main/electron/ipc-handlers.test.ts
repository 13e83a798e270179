import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// ipcMain keeps the registered handlers; ipcRenderer.invoke calls them with whatever sender the
// test puts in `electronState.sender`, so a request travels preload → main → preload for real.
const electronState = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
  sender: null as unknown
}))
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, payload: unknown) => Promise<unknown>) => {
      if (electronState.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      electronState.handlers.set(channel, handler)
    },
    removeHandler: (channel: string) => electronState.handlers.delete(channel)
  },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      const handler = electronState.handlers.get(channel)
      if (!handler) throw new Error(`No handler registered for '${channel}'`)
      return handler(electronState.sender, payload)
    },
    on: vi.fn(),
    removeListener: vi.fn()
  },
  contextBridge: { exposeInMainWorld: vi.fn() }
}))

import { Channels, RequestSchemas } from '../../../../main/contract/api'
import type { JobEvent } from '../../../../main/contract/job-events'
import type { EngineClient } from '../../../../main/engine-host/engine-protocol'
import {
  MAX_QUEUED_EVENTS,
  createJobEventForwarder,
  isTrustedSender,
  registerIpcHandlers,
  type JobEventSink,
  type TrustedWindow
} from '../../../../main/electron/ipc-handlers'
import { rendererLocation } from '../../../../main/electron/renderer-location'
import { createFlatlineService, RequestError } from '../../../../main/service/flatline-service'
import { api, invoke } from '../../../../preload/index'

const location = rendererLocation()

function fakeWindow(url = 'app://flatline/index.html') {
  const mainFrame = { parent: null, processId: 7, routingId: 1, url }
  const webContents = { mainFrame }
  const window = { isDestroyed: () => false, webContents }
  return {
    window: window as unknown as TrustedWindow,
    webContents,
    mainFrame,
    trustedEvent: { sender: webContents, senderFrame: mainFrame }
  }
}

/** An engine that records what it is asked and never runs anything: these tests check the doorway. */
function fakeEngine(): EngineClient & { started: unknown[] } {
  const started: unknown[] = []
  return {
    started,
    ready: async () => 'cpu (fake)',
    start: (message) => void started.push(message),
    cancel: () => undefined,
    onEvent: () => () => undefined,
    query: () => Promise.reject(new Error('no engine in this test')),
    activeJobIds: () => [],
    dispose: () => undefined
  }
}

describe('isTrustedSender', () => {
  const { window, webContents, mainFrame, trustedEvent } = fakeWindow()
  type Event = Parameters<typeof isTrustedSender>[0]
  const check = (event: unknown, win: TrustedWindow | null = window) =>
    isTrustedSender(event as Event, win, location.isTrusted)

  it('accepts the top frame of our window on our origin', () => {
    expect(check(trustedEvent)).toBe(true)
  })

  it('refuses a subframe, another window, a foreign origin, a gone frame and a closed window', () => {
    expect(
      check({ sender: webContents, senderFrame: { ...mainFrame, parent: mainFrame, routingId: 2 } })
    ).toBe(false)
    expect(check({ sender: {}, senderFrame: mainFrame })).toBe(false)
    expect(
      check({ sender: webContents, senderFrame: { ...mainFrame, url: 'https://evil.example/' } })
    ).toBe(false)
    expect(
      check({ sender: webContents, senderFrame: { ...mainFrame, url: 'file:///tmp/x.html' } })
    ).toBe(false)
    expect(check({ sender: webContents, senderFrame: { ...mainFrame, routingId: 99 } })).toBe(false)
    expect(check({ sender: webContents, senderFrame: null })).toBe(false)
    expect(check(trustedEvent, null)).toBe(false)
    expect(check(trustedEvent, { ...window, isDestroyed: () => true } as TrustedWindow)).toBe(false)
  })
})

describe('registerIpcHandlers', () => {
  let workspace: string
  let unregister: () => void = () => undefined

  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'flatline-ipc-'))
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(async () => {
    unregister()
    electronState.handlers.clear()
    vi.restoreAllMocks()
    await rm(workspace, { recursive: true, force: true })
  })

  async function setUp(windowUrl?: string) {
    const win = fakeWindow(windowUrl)
    const engine = fakeEngine()
    const service = await createFlatlineService({
      workspaceRoot: workspace,
      engine,
      shell: 'electron',
      appVersion: '9.9.9-test',
      exportPdf: async () => null
    })
    unregister = registerIpcHandlers({
      service,
      getWindow: () => win.window,
      isTrusted: location.isTrusted,
      isExpectedError: (error) => error instanceof RequestError
    })
    electronState.sender = win.trustedEvent
    return { win, engine }
  }

  it('registers exactly the contract command channels, and unregisters them', async () => {
    await setUp()
    expect([...electronState.handlers.keys()].sort()).toEqual(Object.keys(RequestSchemas).sort())
    expect(electronState.handlers.has(Channels.JobEvent)).toBe(false)
    unregister()
    expect(electronState.handlers.size).toBe(0)
  })

  it('passes a valid request through to the service and back to the page', async () => {
    await setUp()
    const info = await api.app.info()
    expect(info).toEqual({
      version: '9.9.9-test',
      backend: 'cpu (fake)',
      workspace,
      shell: 'electron',
      cores: availableParallelism()
    })
    expect(await api.runs.list()).toEqual([])
  })

  it('starts an audit with the parsed spec (defaults filled in by the schema)', async () => {
    const { engine } = await setUp()
    const started = await api.audit.start({
      surrogates: [{ name: 's', arch: 'small-cnn' }],
      targets: [{ name: 't', arch: 'small-cnn' }]
    })
    expect(started.jobId).toContain(started.runId)
    expect(engine.started).toHaveLength(1)
    const message = engine.started[0] as { spec: { attack: { eps: number; stepSize: number } } }
    expect(message.spec.attack.eps).toBeCloseTo(4 / 255)
    expect(message.spec.attack.stepSize).toBeCloseTo(0.4 / 255)
  })

  it('turns an invalid payload into an error naming the field, with no Electron wrapper text', async () => {
    const { engine } = await setUp()
    // What a buggy or hostile page could send: the types forbid it, the schema must catch it.
    const attempt = invoke(Channels.StartAudit, {
      surrogates: [{ name: 's', arch: 'vgg' }],
      targets: [{ name: 't', arch: 'small-cnn' }],
      attack: { eps: 2 }
    })
    await expect(attempt).rejects.toThrow(/^Invalid request "audit:start":/)
    const message = await attempt.catch((error: Error) => error.message)
    expect(message).toContain('surrogates.0.arch: unknown architecture "vgg"')
    expect(message).toContain('attack.eps: eps must be in (0, 1]')
    expect(message).not.toContain('Error invoking remote method')
    expect(engine.started).toHaveLength(0)
  })

  it('rejects a malformed run id before any file is touched', async () => {
    await setUp()
    await expect(api.runs.get('../../etc')).rejects.toThrow(/runId: a run id holds only letters/)
  })

  it('refuses a request from a frame that is not our window', async () => {
    const { win } = await setUp()
    electronState.sender = {
      sender: win.webContents,
      senderFrame: { ...win.mainFrame, url: 'https://evil.example/' }
    }
    await expect(api.app.info()).rejects.toThrow(
      /refused: it did not come from the Flatline window/
    )
    electronState.sender = { sender: {}, senderFrame: win.mainFrame }
    await expect(invoke(Channels.ListRuns, undefined)).rejects.toThrow(/refused/)
  })

  it('logs unexpected errors but not expected refusals', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await setUp()
    await expect(api.runs.get('no-such-run')).rejects.toThrow(/no-such-run/)
    expect(errors).toHaveBeenCalledTimes(1)
    errors.mockClear()
    await expect(api.audit.cancel('')).rejects.toThrow(/jobId/)
    expect(errors).not.toHaveBeenCalled()
  })
})

describe('createJobEventForwarder', () => {
  function fakeContents() {
    const listeners = new Map<string, Array<() => void>>()
    const sent: Array<[string, unknown]> = []
    let destroyed = false
    const contents = {
      send: (channel: string, payload: unknown) => void sent.push([channel, payload]),
      isDestroyed: () => destroyed,
      on: (name: string, listener: () => void) => {
        listeners.set(name, [...(listeners.get(name) ?? []), listener])
        return contents
      }
    }
    const emit = (name: string) => listeners.get(name)?.forEach((listener) => listener())
    return {
      sink: contents as unknown as JobEventSink,
      sent,
      emit,
      destroy: () => (destroyed = true)
    }
  }
  const progress = (n: number): JobEvent => ({
    jobId: 'j',
    kind: 'task-progress',
    taskId: 't',
    value: n / 10,
    detail: `${n}`
  })

  it('queues events until the page has loaded, then delivers them in order', () => {
    const forwarder = createJobEventForwarder()
    const page = fakeContents()
    forwarder.send(progress(1))
    forwarder.attach(page.sink)
    forwarder.send(progress(2))
    expect(page.sent).toEqual([])
    expect(forwarder.pending()).toBe(2)
    page.emit('did-finish-load')
    forwarder.send(progress(3))
    expect(page.sent.map(([channel]) => channel)).toEqual([
      Channels.JobEvent,
      Channels.JobEvent,
      Channels.JobEvent
    ])
    expect(page.sent.map(([, event]) => (event as { detail: string }).detail)).toEqual([
      '1',
      '2',
      '3'
    ])
    expect(forwarder.pending()).toBe(0)
  })

  it('queues again during a reload and after the window is gone', () => {
    const forwarder = createJobEventForwarder()
    const page = fakeContents()
    forwarder.attach(page.sink)
    page.emit('did-finish-load')
    page.emit('did-start-loading')
    forwarder.send(progress(1))
    expect(page.sent).toHaveLength(0)
    page.emit('did-finish-load')
    expect(page.sent).toHaveLength(1)
    page.emit('destroyed')
    page.destroy()
    forwarder.send(progress(2))
    expect(page.sent).toHaveLength(1)
    const next = fakeContents()
    forwarder.attach(next.sink)
    next.emit('did-finish-load')
    expect(next.sent.map(([, event]) => (event as { detail: string }).detail)).toEqual(['2'])
  })

  it('bounds the queue, dropping the oldest events', () => {
    const forwarder = createJobEventForwarder()
    for (let i = 0; i < MAX_QUEUED_EVENTS + 3; i++) forwarder.send(progress(i))
    expect(forwarder.pending()).toBe(MAX_QUEUED_EVENTS)
    const page = fakeContents()
    forwarder.attach(page.sink)
    page.emit('did-finish-load')
    expect((page.sent[0][1] as { detail: string }).detail).toBe('3')
  })
})
