/**
 * Files between a run folder and Redis (issue 13's choice: models and results travel through Redis,
 * see docs/workers.md). Each file is stored once under its sha256 and checked against it when it is
 * read back, on the worker for inputs and on the audit's machine for results: a file that comes back
 * different is refused with both hashes named. Per-epoch checkpoints never travel.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import type { Redis } from 'ioredis'
import { isTempFileName, writeFileAtomic } from '../workspace/atomic-write'
import { BLOB_PREFIX, BLOB_TTL_SECONDS, type FileRef } from './queue-keys'

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Every file under the run-relative `paths` (files or folders) of `runDir`, checkpoints left out; missing paths are skipped. */
export async function listRunFiles(runDir: string, paths: readonly string[]): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    const full = join(runDir, path)
    const info = await stat(full).catch(() => undefined)
    if (!info) continue
    if (info.isFile()) {
      files.push(path)
      continue
    }
    for (const entry of await readdir(full, { recursive: true, withFileTypes: true })) {
      const file = relative(runDir, join(entry.parentPath, entry.name))
      if (entry.isFile() && !file.split('/').includes('checkpoints') && !isTempFileName(entry.name))
        files.push(file)
    }
  }
  return files.sort()
}

/**
 * Stores each file as a blob and returns their references. `sent` holds the hashes this process has
 * already stored (a surrogate read by several attack tasks goes up once); their expiry is only renewed.
 */
export async function uploadRunFiles(
  redis: Redis,
  runDir: string,
  paths: readonly string[],
  sent = new Set<string>()
): Promise<FileRef[]> {
  const refs: FileRef[] = []
  for (const path of paths) {
    const bytes = await readFile(join(runDir, path))
    const hash = sha256(bytes)
    if (!sent.has(hash) || (await redis.expire(BLOB_PREFIX + hash, BLOB_TTL_SECONDS)) === 0) {
      await redis.set(BLOB_PREFIX + hash, Buffer.from(bytes), 'EX', BLOB_TTL_SECONDS)
      sent.add(hash)
    }
    refs.push({ path, sha256: hash })
  }
  return refs
}

/** Writes each referenced file into `runDir` unless it is already there with that hash; refuses a blob that does not match its hash. */
export async function downloadRunFiles(
  redis: Redis,
  runDir: string,
  refs: readonly FileRef[],
  what: string
): Promise<void> {
  for (const ref of refs) {
    if (ref.path.split('/').includes('..'))
      throw new Error(`${what}: refused the file path "${ref.path}" (outside the run folder)`)
    const target = join(runDir, ref.path)
    const existing = await readFile(target).catch(() => undefined)
    if (existing && sha256(existing) === ref.sha256) continue
    const bytes = await redis.getBuffer(BLOB_PREFIX + ref.sha256)
    if (!bytes)
      throw new Error(
        `${what}: ${ref.path} (sha256 ${ref.sha256.slice(0, 12)}…) is no longer in Redis (files are kept ${BLOB_TTL_SECONDS / 3600} h); run the audit again`
      )
    const got = sha256(bytes)
    if (got !== ref.sha256)
      throw new Error(
        `${what}: ${ref.path} came back corrupted: its bytes hash to ${got.slice(0, 12)}…, the worker reported ${ref.sha256.slice(0, 12)}…`
      )
    await mkdir(dirname(target), { recursive: true })
    await writeFileAtomic(target, bytes)
  }
}
