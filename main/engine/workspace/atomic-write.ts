/**
 * Crash-safe file writes and friendly JSON reads for the workspace.
 *
 * A write goes to a uniquely named temp file next to the target, is flushed to disk, then renamed
 * over the target. A rename within one folder is atomic, so a reader (or the app after a crash or a
 * kill) sees either the old content or the new one, never half a file. Temp files left behind by a
 * kill start with `.` and end in `.tmp`; `isTempFileName` lets folder listings skip them.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

const TEMP_SUFFIX = '.tmp'

/** Thrown by `readJsonFile` when a file exists but is not valid JSON. */
export class InvalidJsonError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string
  ) {
    super(
      `${path} is not valid JSON (${detail}). It was probably edited by hand. ` +
        'Fix the JSON or delete the file; the rest of the workspace is unaffected.'
    )
    this.name = 'InvalidJsonError'
  }
}

/** Whether a file name is one of our temp files (left over if a writer was killed mid-write). */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX)
}

/** A temp name in the target's folder, unique across processes (pid) and concurrent writes (random). */
function tempPathFor(path: string): string {
  const unique = `${process.pid}-${randomBytes(6).toString('hex')}`
  return join(dirname(path), `.${basename(path)}.${unique}${TEMP_SUFFIX}`)
}

/** Error codes Windows gives when a virus scanner or indexer briefly holds the target open. */
const TRANSIENT_RENAME_CODES = new Set(['EPERM', 'EACCES', 'EBUSY'])

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (process.platform !== 'win32' || !TRANSIENT_RENAME_CODES.has(code) || attempt >= 5)
        throw error
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt))
    }
  }
}

/**
 * Flushes a folder's entry list so a completed rename survives a power loss.
 *
 * Best effort: Windows cannot open a folder for fsync, and some file systems refuse it; the rename
 * itself is still atomic there.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Not supported here (see above); nothing more we can do.
  }
}

/**
 * Replaces `path` with `data` atomically.
 *
 * Writes a temp file in the same folder (a rename across folders may cross file systems and is
 * not atomic), fsyncs it so the rename cannot publish an empty file after a power loss, renames it
 * over the target, then fsyncs the folder. On any error the temp file is removed and the target is
 * left as it was.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path)
  try {
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await renameWithRetry(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await fsyncDirectory(dirname(path))
}

/** Writes `value` as pretty JSON (two-space indent, trailing newline) with `writeFileAtomic`. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2)
  // JSON.stringify returns undefined for undefined, functions and symbols: refuse, don't write "undefined".
  if (text === undefined)
    throw new Error(`writeJsonAtomic(${path}): the value cannot be written as JSON`)
  await writeFileAtomic(path, text + '\n')
}

/**
 * Reads and parses a JSON file.
 *
 * Invalid JSON throws `InvalidJsonError`, whose message names the file and says how to recover.
 * File-system errors (missing file, permissions) are rethrown unchanged so callers can check `code`.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8')
  try {
    // A UTF-8 byte-order mark, as some Windows editors add, is not an error worth failing over.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (error) {
    throw new InvalidJsonError(path, error instanceof Error ? error.message : String(error))
  }
}
