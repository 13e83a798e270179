/**
 * What must be identical between two runs of one spec wherever their tasks ran: the results without
 * timings, and every file of the run folder (weights, gallery, exported examples) by sha256 (JSON
 * files by their content) — except run.json (timings, dates), manifests (their save date) and
 * per-epoch checkpoints.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { RunRecord } from '../../../main/contract/run-record'

export function resultsWithoutTimings(record: RunRecord): unknown {
  return strip(record.results)
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !/seconds$/i.test(k))
        .map(([k, v]) => [k, strip(v)])
    )
  return value
}

export async function runFolderDigest(runDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(runDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = relative(runDir, join(entry.parentPath, entry.name))
    if (/(^|\/)(run\.json|manifest\.json)$|(^|\/)checkpoints\//.test(path)) continue
    const bytes = await readFile(join(runDir, path))
    // JSON by content: a resumed run re-reads its stored spec, whose keys may come back in another order.
    out[path] = createHash('sha256')
      .update(path.endsWith('.json') ? canonicalJson(JSON.parse(bytes.toString('utf8'))) : bytes)
      .digest('hex')
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)))
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}
