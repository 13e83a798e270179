import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ protocol: {} }))

import { originOf, rendererLocation } from '../../../../main/electron/renderer-location'

describe('rendererLocation', () => {
  it('loads app://flatline in production and trusts only that origin', () => {
    const location = rendererLocation()
    expect(location.entryUrl).toBe('app://flatline/index.html')
    expect(location.origin).toBe('app://flatline')
    expect(location.isTrusted('app://flatline/index.html#/runs')).toBe(true)
    expect(location.isTrusted('app://other/index.html')).toBe(false)
    expect(location.isTrusted('file:///work/out/renderer/index.html')).toBe(false)
    expect(location.isTrusted('https://flatline/')).toBe(false)
    expect(location.isTrusted('http://localhost:5173/')).toBe(false)
  })

  it('uses a loopback dev server and trusts exactly its origin', () => {
    const location = rendererLocation('http://localhost:5173')
    expect(location.entryUrl).toBe('http://localhost:5173/')
    expect(location.isTrusted('http://localhost:5173/src/main.ts')).toBe(true)
    expect(location.isTrusted('http://localhost:5174/')).toBe(false)
    expect(location.isTrusted('app://flatline/index.html')).toBe(false)
  })

  it.each([
    'https://example.org/',
    'http://192.168.1.5:5173/',
    'file:///tmp/index.html',
    'garbage'
  ])('refuses %s as a dev server, naming the variable', (url) => {
    expect(() => rendererLocation(url)).toThrow(
      /ELECTRON_RENDERER_URL=.* is not a local dev server/
    )
  })

  it('spells out origins of custom schemes (URL.origin says "null")', () => {
    expect(new URL('app://flatline/x').origin).toBe('null')
    expect(originOf('app://flatline/x')).toBe('app://flatline')
    expect(originOf('about:blank')).toBeNull()
    expect(originOf('::')).toBeNull()
  })
})
