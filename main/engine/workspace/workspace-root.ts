/**
 * Where the workspace (trained models, audit runs) lives on disk.
 *
 * Electron's main process may pass `app.getPath('userData') + '/workspace'` itself; this module
 * gives the same folder from plain Node (CLI, browser mode, tests) without importing Electron.
 */
import { mkdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { posix, resolve, win32 } from 'node:path'

/** The app name Electron derives userData from (`productName` in package.json). */
const APP_NAME = 'Flatline'

/** The folders of a workspace, all absolute. */
export interface WorkspacePaths {
  root: string
  runsDir: string
  modelsDir: string
}

/**
 * The default workspace folder.
 *
 * `FLATLINE_WORKSPACE` wins when set (resolved against the current folder). Otherwise the folder
 * Electron's `app.getPath('userData')` gives an app named "Flatline", plus `workspace`:
 * - Linux: `$XDG_CONFIG_HOME/Flatline/workspace`, or `~/.config/Flatline/workspace`
 * - macOS: `~/Library/Application Support/Flatline/workspace`
 * - Windows: `%APPDATA%\Flatline\workspace`
 *
 * The parameters exist so tests can ask for another platform's answer.
 */
export function defaultWorkspaceRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir()
): string {
  const override = env.FLATLINE_WORKSPACE?.trim()
  if (override) return resolve(override)
  if (platform === 'win32') {
    // Electron reads %APPDATA% too (via SHGetKnownFolderPath); the fallback is its usual value.
    const appData = env.APPDATA || win32.join(home, 'AppData', 'Roaming')
    return win32.join(appData, APP_NAME, 'workspace')
  }
  if (platform === 'darwin')
    return posix.join(home, 'Library', 'Application Support', APP_NAME, 'workspace')
  // Chromium's GetXDGDirectory takes any non-empty XDG_CONFIG_HOME as is.
  const configHome = env.XDG_CONFIG_HOME || posix.join(home, '.config')
  return posix.join(configHome, APP_NAME, 'workspace')
}

/**
 * Creates the workspace folders if missing and returns their paths.
 *
 * Throws a message naming the folder and the way out (FLATLINE_WORKSPACE) when one cannot be
 * created, e.g. a file sits where the folder should be or the disk is read-only.
 */
export async function ensureWorkspace(root: string): Promise<WorkspacePaths> {
  const absolute = resolve(root)
  const paths: WorkspacePaths = {
    root: absolute,
    runsDir: resolve(absolute, 'runs'),
    modelsDir: resolve(absolute, 'models')
  }
  for (const dir of [paths.root, paths.runsDir, paths.modelsDir]) {
    try {
      await mkdir(dir, { recursive: true })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new Error(
        `cannot create the workspace folder ${dir} (${reason}). ` +
          'Make sure it is a writable folder, or set FLATLINE_WORKSPACE to another folder.'
      )
    }
  }
  return paths
}
