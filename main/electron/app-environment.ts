/**
 * Paths the Electron shell decides: the workspace folder and the packaged resources folder.
 *
 * Pure functions of Electron's values, so they are tested without Electron.
 */
import { join, resolve } from 'node:path'

/**
 * The workspace folder: `FLATLINE_WORKSPACE` when set (resolved against the current folder),
 * otherwise `<userData>/workspace`.
 */
export function workspaceRootFor(userData: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.FLATLINE_WORKSPACE?.trim()
  return override ? resolve(override) : join(userData, 'workspace')
}

/**
 * The folder electron-builder's `extraResources` copies `resources/` to, or undefined in development.
 *
 * Development leaves `FLATLINE_RESOURCES` unset: the engine finds the repository's `resources/`
 * by walking up from its own file. A packaged app has no repository around it.
 */
export function packagedResourcesDir(
  isPackaged: boolean,
  resourcesPath: string
): string | undefined {
  return isPackaged ? join(resourcesPath, 'resources') : undefined
}
