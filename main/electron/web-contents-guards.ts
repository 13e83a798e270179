/**
 * Guards applied to every web contents the app creates: no new windows, no leaving our origin,
 * no `<webview>`, no permissions.
 *
 * Installed from `app.on('web-contents-created')`, so a window added later (the hidden PDF
 * window, a future dialog) cannot forget them.
 */
import type { Session, WebContents } from 'electron'
import { isSafeExternalUrl, safeOpenExternal } from './safe-open-external'

/** Only the parts of WebContents the guards use, so tests can pass a small fake. */
export type GuardedContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>

/**
 * Denies window.open/target=_blank, blocks navigation and redirects away from trusted URLs, and
 * refuses `<webview>`. A denied http(s) link goes to the user's browser through
 * `safeOpenExternal` instead, which is what a user clicking a link expects.
 */
export function guardWebContents(
  contents: GuardedContents,
  isTrusted: (url: string) => boolean
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void safeOpenExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    if (isTrusted(event.url)) return
    event.preventDefault()
    if (event.isMainFrame && isSafeExternalUrl(event.url)) void safeOpenExternal(event.url)
  })
  contents.on('will-redirect', (event) => {
    if (!isTrusted(event.url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/**
 * Denies every permission request and check (camera, notifications, clipboard read, …).
 *
 * The audit UI needs none of them; denying at the session level also covers pages that are
 * not supposed to be there at all.
 */
export function denyAllPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
