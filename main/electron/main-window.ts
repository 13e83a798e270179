/** The Flatline window: one per app, hardened webPreferences, shown once painted. */
import { BrowserWindow } from 'electron'
import { secureWebPreferences } from './web-preferences'

export interface MainWindowOptions {
  /** Absolute path of the built preload (`out/preload/index.cjs`). */
  preloadPath: string
  /** What to load: `app://flatline/index.html` or the dev server. */
  entryUrl: string
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Flatline',
    // Shown at ready-to-show so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preloadPath)
  })
  window.once('ready-to-show', () => window.show())
  window.loadURL(options.entryUrl).catch((error: unknown) => {
    console.error(`[flatline] could not load ${options.entryUrl}:`, error)
  })
  return window
}
