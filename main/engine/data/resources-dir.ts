/**
 * Locates the app's `resources/` folder (the embedded demo data and other runtime assets).
 *
 * The same engine code runs from source under tsx and Vitest, bundled in `out/main` by
 * electron-vite, and packaged by electron-builder, so no fixed relative path works everywhere:
 * walk up from this module until a `resources/demo` folder appears, then try Electron's
 * `process.resourcesPath`. `FLATLINE_RESOURCES` overrides both.
 */
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const RESOURCES_ENV = 'FLATLINE_RESOURCES'

/** The absolute path of the `resources/` folder; throws naming every place it looked. */
export function resourcesDir(): string {
  const fromEnv = process.env[RESOURCES_ENV]
  if (fromEnv) {
    const dir = path.resolve(fromEnv)
    if (!isDir(dir)) {
      throw new Error(
        `${RESOURCES_ENV} is set to ${dir}, which is not a folder; point it at the app's resources/ folder`
      )
    }
    return dir
  }
  const looked: string[] = []
  for (const start of startDirs()) {
    let dir = start
    for (;;) {
      const candidate = path.join(dir, 'resources')
      looked.push(candidate)
      if (isDir(path.join(candidate, 'demo'))) return candidate
      const parent = path.dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  // Packaged Electron apps copy extra resources next to app.asar, in `process.resourcesPath`.
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  if (packaged) {
    for (const candidate of [path.join(packaged, 'resources'), packaged]) {
      looked.push(candidate)
      if (isDir(path.join(candidate, 'demo'))) return candidate
    }
  }
  throw new Error(
    `cannot find the resources/ folder (one holding demo/); looked in ${looked.join(', ')}. ` +
      `Set ${RESOURCES_ENV} to the folder's path.`
  )
}

/** Where to start walking up: this module's folder, and the entry script's folder for bundles. */
function startDirs(): string[] {
  const dirs: string[] = []
  try {
    // import.meta.url is a file: URL from source and from electron-vite's bundles; guard anyway,
    // since a bundler may leave it undefined and the fallback below still works.
    const url: string | undefined = import.meta.url
    if (url && url.startsWith('file:')) dirs.push(path.dirname(fileURLToPath(url)))
  } catch {
    // fall through to the entry script
  }
  const entry = process.argv[1]
  if (entry) {
    const dir = path.dirname(path.resolve(entry))
    if (!dirs.includes(dir)) dirs.push(dir)
  }
  return dirs
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory()
}
