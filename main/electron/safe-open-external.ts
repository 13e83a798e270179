/**
 * The one place Flatline hands a URL to the operating system.
 *
 * `shell.openExternal` runs whatever handler the OS has for a scheme: `file:` opens (and may
 * execute) local files, `smb:` reaches network shares, custom schemes launch other apps. A link
 * in a report or a crafted run name must not be able to do that, so only http(s) URLs go out.
 */
import { shell } from 'electron'

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:'])

/** Whether `url` is an absolute http(s) URL without embedded credentials. */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) return false
  // `https://user:pass@host` is a classic phishing disguise; nothing in the app needs it.
  if (parsed.username || parsed.password) return false
  return parsed.hostname.length > 0
}

/**
 * Opens an http(s) URL in the user's browser; refuses anything else.
 *
 * Resolves true when the URL was handed to the OS, false when it was refused (the refusal is
 * logged with the URL so a broken link can be tracked down).
 */
export async function safeOpenExternal(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) {
    console.warn(
      `[flatline] refused to open ${JSON.stringify(url)}: only http(s) links open outside the app`
    )
    return false
  }
  await shell.openExternal(url)
  return true
}
