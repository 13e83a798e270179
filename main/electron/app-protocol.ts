/**
 * The `app://flatline/…` scheme that serves the built renderer in production.
 *
 * Loading the UI from `file://` would give the page the whole disk as its origin and make every
 * local file "same origin". A privileged custom scheme gives it one origin of its own, limited
 * to `out/renderer`: any path that resolves outside that folder is refused.
 */
import { readFile } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { protocol, type Protocol } from 'electron'

export const APP_SCHEME = 'app'
export const APP_HOST = 'flatline'
/** Origin of the production UI (written out, since WHATWG URL gives non-special schemes the origin "null"). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8'
}

/**
 * Registers `app:` as a standard, secure scheme.
 *
 * Must run before the app's `ready` event (Electron's rule). `standard` gives the scheme real
 * origins and relative-URL resolution; `secure` lets it use APIs reserved for secure contexts.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true }
    }
  ])
}

/**
 * Maps an `app://flatline/…` URL to a file inside `rootDir`, or null when it must not be served.
 *
 * Null for another scheme or host, an undecodable path, a NUL byte, and any path that leaves
 * `rootDir` once decoded (`..%2f`, encoded backslashes on Windows). `/` serves `index.html`.
 */
export function resolveAppPath(requestUrl: string, rootDir: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0')) return null
  if (pathname === '' || pathname === '/') pathname = '/index.html'
  const root = resolve(rootDir)
  const target = resolve(root, '.' + pathname)
  const rel = relative(root, target)
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return null
  return target
}

/** Content type by extension; unknown files are served as opaque bytes. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** The request handler behind `protocol.handle('app', …)`, serving files from `rootDir`. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405 })
    const file = resolveAppPath(request.url, rootDir)
    if (!file)
      return new Response('Forbidden', { status: 403, headers: { 'content-type': 'text/plain' } })
    let body: Buffer
    try {
      body = await readFile(file)
    } catch {
      return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': contentTypeFor(file),
        'x-content-type-options': 'nosniff',
        // The files change with every build; a stale cached bundle would mismatch the preload.
        'cache-control': 'no-cache'
      }
    })
  }
}

/** Serves `rootDir` (the built renderer) under `app://flatline/`. Call after `ready`. */
export function registerAppProtocol(
  rootDir: string,
  target: Pick<Protocol, 'handle'> = protocol
): void {
  target.handle(APP_SCHEME, createAppProtocolHandler(rootDir))
}
