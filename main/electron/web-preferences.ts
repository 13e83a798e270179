/**
 * The webPreferences of every Flatline window.
 *
 * Pinned by a unit test because each line is a security decision from Electron's checklist:
 * the page gets no Node, runs in Chromium's sandbox, talks to main only through the preload's
 * `window.api`, and cannot embed `<webview>`. `webSecurity` is deliberately left out so it keeps
 * its default (true); setting it at all invites someone to flip it.
 */
import type { WebPreferences } from 'electron'

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    // Dropping a file on the window must not navigate away from the app.
    navigateOnDragDrop: false,
    // A page stuck in an alert loop can be stopped by the user.
    safeDialogs: true,
    spellcheck: false
  }
}
