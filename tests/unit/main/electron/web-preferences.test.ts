import { describe, expect, it } from 'vitest'
import { secureWebPreferences } from '../../../../main/electron/web-preferences'

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs')

  it('isolates the page from Node and Electron', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
  })

  it('allows no <webview> and leaves webSecurity at its default', () => {
    expect(prefs.webviewTag).toBe(false)
    // Not merely "not false": the key must be absent so the secure default applies.
    expect('webSecurity' in prefs).toBe(false)
    expect('allowRunningInsecureContent' in prefs).toBe(false)
    expect('experimentalFeatures' in prefs).toBe(false)
  })

  it('loads the given preload and nothing else', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs')
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'contextIsolation',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webviewTag'
      ].sort()
    )
  })
})
