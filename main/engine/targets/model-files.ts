/**
 * The files one imported model is made of, and their content hash, without loading any tensor
 * library: an ONNX file followed by the external data files it names (onnx-external-data.ts), or a
 * TensorFlow.js model.json followed by the weight shards its manifest lists. The service uses it to copy a model into the zoo; the engine to hash what it checks.
 *
 * The hash is the sha256 of the files' bytes in that order, the same one an audit records for an
 * imported target (load-imported-target.ts), so a zoo entry and a run's target can be matched.
 * A model trained in Flatline is a folder (manifest.json + its weights file); its hash is the one its
 * manifest records and the run reports, the sha256 of the weights file alone (see `hashModel`).
 */
import { createHash } from 'node:crypto'
import { access, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { checkedExternalData } from './onnx-external-data'
import { TargetImportError } from './target-model'

/** The model's files, entry first; a missing weight shard is named. */
export async function modelFiles(
  format: 'onnx' | 'tfjs' | 'flatline',
  path: string
): Promise<string[]> {
  await access(path).catch(() => {
    throw new TargetImportError(path, 'the file does not exist or cannot be read; check the path.')
  })
  if (format === 'onnx') return onnxModelFiles(path)
  if (format === 'flatline') return flatlineModelFiles(path)
  let json: { modelTopology?: unknown; weightsManifest?: { paths?: unknown }[] }
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as typeof json
  } catch (err) {
    throw new TargetImportError(
      path,
      `cannot read it as JSON (${err instanceof Error ? err.message : String(err)}).`
    )
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology)
    throw new TargetImportError(path, 'not a TensorFlow.js model.json: it has no "modelTopology".')
  const shards = (json.weightsManifest ?? []).flatMap((group) =>
    Array.isArray(group.paths) ? group.paths.map((p) => join(dirname(path), String(p))) : []
  )
  const missing: string[] = []
  for (const shard of shards) await access(shard).catch(() => missing.push(shard))
  if (missing.length > 0)
    throw new TargetImportError(
      path,
      `weight shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; ` +
        `copy every file the model.json lists in weightsManifest next to it.`
    )
  return [path, ...shards]
}

/** An ONNX file, then its external data files (named relative to its folder); a missing one is named. */
async function onnxModelFiles(path: string): Promise<string[]> {
  const data = checkedExternalData(await readFile(path), path).map((location) =>
    join(dirname(path), location)
  )
  const missing: string[] = []
  for (const file of data) await access(file).catch(() => missing.push(file))
  if (missing.length > 0)
    throw new TargetImportError(
      path,
      `its external data file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; ` +
        'copy the data files the model was exported with next to it.'
    )
  return [path, ...data]
}

/** A Flatline model folder: manifest.json then the weights file it names (no tensor library needed). */
async function flatlineModelFiles(dir: string): Promise<string[]> {
  const manifestPath = join(dir, 'manifest.json')
  let manifest: { format?: unknown; weightsFile?: unknown; sha256?: unknown }
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof manifest
  } catch (err) {
    throw new TargetImportError(
      dir,
      `not a model trained in Flatline: cannot read its manifest.json (${err instanceof Error ? err.message : String(err)}).`
    )
  }
  const weightsFile = typeof manifest?.weightsFile === 'string' ? manifest.weightsFile : ''
  if (
    manifest?.format !== 'flatline-model/1' ||
    !/^[\w.-]+$/.test(weightsFile) ||
    typeof manifest.sha256 !== 'string'
  )
    throw new TargetImportError(
      dir,
      'its manifest.json is not a Flatline model manifest (format "flatline-model/1" with weightsFile and sha256).'
    )
  const weights = join(dir, weightsFile)
  await access(weights).catch(() => {
    throw new TargetImportError(
      dir,
      `its weights file ${weightsFile} is missing; the model folder is incomplete.`
    )
  })
  return [manifestPath, weights]
}

/**
 * The model's hash as audits record it: the sha256 of all its files in order, except for a Flatline
 * model (files from `modelFiles`: manifest, weights) whose hash is its weights' sha256, as in its manifest.
 */
export async function hashModel(
  format: 'onnx' | 'tfjs' | 'flatline',
  files: string[]
): Promise<{ sha256: string; perFile: string[] }> {
  const hashed = await hashModelFiles(files)
  return format === 'flatline' ? { ...hashed, sha256: hashed.perFile[1] } : hashed
}

/** sha256 of each file and of all of them in order (the model's hash). */
export async function hashModelFiles(
  files: string[]
): Promise<{ sha256: string; perFile: string[] }> {
  const all = createHash('sha256')
  const perFile: string[] = []
  for (const file of files) {
    const bytes = await readFile(file)
    all.update(bytes)
    perFile.push(createHash('sha256').update(bytes).digest('hex'))
  }
  return { sha256: all.digest('hex'), perFile }
}
