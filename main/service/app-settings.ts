/**
 * The app's settings file, `<workspace>/settings.json`: today the Redis queue audits run on (its URL
 * may hold the queue's password, so it stays in the user's own workspace, never in a run or a spec).
 * A missing file means the defaults; an unreadable one is named in the error.
 */
import { join } from 'node:path'
import { AppSettings } from '../contract/execution'
import { readJsonFile, writeJsonAtomic } from '../engine/workspace/atomic-write'

export const SETTINGS_FILE = 'settings.json'

export async function readAppSettings(workspaceRoot: string): Promise<AppSettings> {
  const path = join(workspaceRoot, SETTINGS_FILE)
  let json: unknown
  try {
    json = await readJsonFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  const parsed = AppSettings.safeParse(json)
  if (!parsed.success)
    throw new Error(
      `${path} is not a valid settings file (${parsed.error.issues[0].message}): fix or delete it`
    )
  return parsed.data
}

export async function saveAppSettings(
  workspaceRoot: string,
  settings: AppSettings
): Promise<AppSettings> {
  const clean = AppSettings.parse(settings)
  await writeJsonAtomic(join(workspaceRoot, SETTINGS_FILE), clean)
  return clean
}
