import { beforeEach, describe, expect, it, vi } from 'vitest'

const shell = vi.hoisted(() => ({ openExternal: vi.fn(async () => undefined) }))
vi.mock('electron', () => ({ shell }))

import { isSafeExternalUrl, safeOpenExternal } from '../../../../main/electron/safe-open-external'

describe('safeOpenExternal', () => {
  beforeEach(() => {
    shell.openExternal.mockClear()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  })

  it('opens http and https links', async () => {
    expect(await safeOpenExternal('https://arxiv.org/abs/1611.02770')).toBe(true)
    expect(await safeOpenExternal('http://example.org/')).toBe(true)
    expect(shell.openExternal).toHaveBeenCalledTimes(2)
    expect(shell.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/1611.02770')
  })

  it.each([
    'file:///etc/passwd',
    'file://C:/Windows/System32/calc.exe',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'app://flatline/index.html',
    'data:text/html,<script>alert(1)</script>',
    'https://user:secret@example.org/',
    '/relative/path',
    'not a url'
  ])('refuses %s without calling the OS', async (url) => {
    expect(isSafeExternalUrl(url)).toBe(false)
    expect(await safeOpenExternal(url)).toBe(false)
    expect(shell.openExternal).not.toHaveBeenCalled()
  })
})
