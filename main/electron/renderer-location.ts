/**
 * Where the main window's UI comes from, and which URLs count as "ours".
 *
 * Production loads `app://flatline/index.html`; `electron-vite dev` passes its dev server in
 * `ELECTRON_RENDERER_URL`. Every security check (navigation, IPC sender) compares against the
 * one origin chosen here, so there is a single answer to "is this page the app?".
 */
import { APP_ENTRY_URL, APP_ORIGIN } from './app-protocol'

export interface RendererLocation {
  /** The URL the main window loads. */
  entryUrl: string
  /** `scheme://host[:port]` of the UI. */
  origin: string
  /** Whether `url` belongs to the UI's origin. */
  isTrusted(url: string): boolean
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * `scheme://host[:port]` of a URL, or null if it does not parse.
 *
 * Written out by hand because WHATWG `URL.origin` is the string "null" for custom schemes such as `app:`.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url)
    if (!parsed.host) return null
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return null
  }
}

/**
 * The renderer's location: the dev server when one is given, `app://flatline` otherwise.
 *
 * Only loopback http dev servers are accepted, so a stray `ELECTRON_RENDERER_URL` cannot point
 * the app (and its `window.api`) at a remote page.
 */
export function rendererLocation(devServerUrl?: string): RendererLocation {
  let entryUrl = APP_ENTRY_URL
  let origin = APP_ORIGIN
  if (devServerUrl) {
    const parsed = (() => {
      try {
        return new URL(devServerUrl)
      } catch {
        return null
      }
    })()
    if (!parsed || parsed.protocol !== 'http:' || !LOOPBACK_HOSTS.has(parsed.hostname))
      throw new Error(
        `ELECTRON_RENDERER_URL=${JSON.stringify(devServerUrl)} is not a local dev server: expected ` +
          'http://localhost:<port> or http://127.0.0.1:<port>. Unset it to load the built UI.'
      )
    entryUrl = parsed.href
    origin = `${parsed.protocol}//${parsed.host}`
  }
  return { entryUrl, origin, isTrusted: (url) => originOf(url) === origin }
}
