import { beforeEach, describe, expect, it, vi } from 'vitest'

const shell = vi.hoisted(() => ({ openExternal: vi.fn(async () => undefined) }))
vi.mock('electron', () => ({ shell }))

import {
  denyAllPermissions,
  guardWebContents,
  type GuardedContents
} from '../../../../main/electron/web-contents-guards'

type Listener = (event: { url?: string; isMainFrame?: boolean; preventDefault: () => void }) => void

function fakeContents() {
  const listeners = new Map<string, Listener>()
  let openHandler: ((details: { url: string }) => { action: string }) | undefined
  const contents = {
    setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
    on: (name: string, listener: Listener) => {
      listeners.set(name, listener)
      return contents
    }
  }
  const fire = (name: string, url: string, isMainFrame = true) => {
    const event = { url, isMainFrame, preventDefault: vi.fn() }
    listeners.get(name)?.(event)
    return event.preventDefault.mock.calls.length > 0
  }
  return {
    contents: contents as unknown as GuardedContents,
    fire,
    open: (url: string) => openHandler!({ url })
  }
}

const isTrusted = (url: string) => url.startsWith('app://flatline/')

describe('guardWebContents', () => {
  beforeEach(() => shell.openExternal.mockClear())

  it('denies every new window, sending only http(s) links to the browser', async () => {
    const page = fakeContents()
    guardWebContents(page.contents, isTrusted)
    expect(page.open('https://arxiv.org/abs/1611.02770')).toEqual({ action: 'deny' })
    expect(page.open('app://flatline/index.html')).toEqual({ action: 'deny' })
    expect(page.open('file:///etc/passwd')).toEqual({ action: 'deny' })
    await Promise.resolve()
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
    expect(shell.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/1611.02770')
  })

  it('blocks navigation and redirects away from our origin, allows it inside', () => {
    const page = fakeContents()
    guardWebContents(page.contents, isTrusted)
    expect(page.fire('will-navigate', 'app://flatline/index.html#/runs')).toBe(false)
    expect(page.fire('will-navigate', 'https://evil.example/')).toBe(true)
    expect(page.fire('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(page.fire('will-redirect', 'https://evil.example/')).toBe(true)
    expect(page.fire('will-redirect', 'app://flatline/assets/x.js')).toBe(false)
    expect(page.fire('will-attach-webview', 'about:blank')).toBe(true)
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
    expect(shell.openExternal).toHaveBeenCalledWith('https://evil.example/')
  })
})

describe('denyAllPermissions', () => {
  it('answers no to every permission request and check', () => {
    let request:
      | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void)
      | undefined
    let check: ((...args: unknown[]) => boolean) | undefined
    denyAllPermissions({
      setPermissionRequestHandler: (handler: typeof request) => void (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => void (check = handler)
    } as never)
    for (const permission of [
      'media',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen'
    ]) {
      const callback = vi.fn()
      request!({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
      expect(check!({}, permission, 'app://flatline', {})).toBe(false)
    }
  })
})
