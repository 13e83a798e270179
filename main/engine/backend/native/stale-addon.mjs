/**
 * Whether a built addon is older than the sources beside it (a checkout that pulled new native
 * code without `npm run build:native`). Its kernels may then read their parameters in an old
 * layout, which crashes the process (SIGSEGV) instead of failing with a message; so a stale
 * addon is refused before it is loaded, and `npm test` (scripts/test.mjs) rebuilds it. Only a
 * source tree has `native/src` beside the build; a packaged app ships the addon alone and is
 * never checked.
 *
 * Plain JavaScript, so that `npm test` can use the same rule under plain Node before anything is
 * built; the engine imports it like a TypeScript module (the bundler and tsx take it as it is).
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * Why `addonFile` is stale (naming the newer source), or undefined when it is current or has no
 * sources beside it.
 * @param {string} addonFile `…/native/build/Release/flatline_native.node`
 * @returns {string | undefined}
 */
export function staleAddonReason(addonFile) {
  const nativeDir = path.resolve(path.dirname(addonFile), '..', '..')
  const srcDir = path.join(nativeDir, 'src')
  if (!existsSync(srcDir)) return undefined
  const builtAt = statSync(addonFile).mtimeMs
  const sources = [
    path.join(nativeDir, 'binding.gyp'),
    ...readdirSync(srcDir).map((name) => path.join(srcDir, name))
  ].filter((file) => existsSync(file))
  const newer = sources.filter((file) => statSync(file).mtimeMs > builtAt)
  if (newer.length === 0) return undefined
  const shown = newer.map((file) => path.relative(nativeDir, file)).slice(0, 3)
  const more = newer.length > shown.length ? ` and ${newer.length - shown.length} more` : ''
  return (
    `the native addon ${addonFile} is older than its sources (${shown.join(', ')}${more} changed since it was built), ` +
    'so its kernels may not match this version. Rebuild it with `npm run build:native`.'
  )
}
