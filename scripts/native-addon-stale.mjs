/**
 * Whether `npm run build:native` must run: the addon is missing, or older than its build file or
 * a source file. `npm test` builds it then, so the native kernel tests never skip for a stale or
 * missing build where oneDNN is installed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export function nativeAddonStale(root = process.cwd()) {
  const addon = join(root, 'native', 'build', 'Release', 'flatline_native.node')
  if (!existsSync(addon)) return true
  const built = statSync(addon).mtimeMs
  const src = join(root, 'native', 'src')
  const inputs = [join(root, 'native', 'binding.gyp'), ...readdirSync(src).map((f) => join(src, f))]
  return inputs.some((file) => statSync(file).mtimeMs > built)
}
