/**
 * Imported target models in the workspace: `targets/<id>/` holds a copy of the model files and
 * `target.json` (format, preprocessing, shapes, natural accuracy, a sha256 per file and of them
 * all). The id is the first 16 hex digits of the content hash, so importing the same files twice
 * finds the stored copy.
 *
 * An import validates everything before it writes: the model loads, has one fixed-size image
 * input and a [batch, classes] output, fits the dataset, and its natural accuracy is measured on
 * a sample. Files are copied into a temporary folder that is renamed into place last, so a failed
 * import leaves the store as it was.
 */
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { z } from 'zod'
import type { ImageDataset } from '../data/dataset'
import { readJsonFile, writeJsonAtomic } from '../workspace/atomic-write'
import { checkTargetFits } from './check-target-fits'
import { measureNaturalAccuracy } from './natural-accuracy'
import { loadOnnxTarget } from './onnx-target'
import { TargetImportError, type TargetModel } from './target-model'
import { TargetPreprocessing, type TargetPreprocessingInput } from './target-preprocessing'
import { loadTfjsTarget } from './tfjs-target'
import { readModelJson } from './tfjs-file-handler'
import { describeSpecIssues } from '../../contract/strict-keys'

export const TARGET_FORMAT = 'flatline-target/1'

/** The store's folder inside a workspace root (beside `runs/` and `models/`). */
export function targetsDirOf(workspaceRoot: string): string {
  return join(workspaceRoot, 'targets')
}

export const TargetRecord = z.object({
  format: z.literal(TARGET_FORMAT),
  id: z.string(),
  name: z.string(),
  // This store only imports files (never 'flatline'), but shares TargetModel's format type.
  modelFormat: z.enum(['onnx', 'tfjs-layers', 'tfjs-graph', 'flatline']),
  /** The file to load (model.onnx or model.json), relative to the target's folder. */
  entry: z.string(),
  files: z.array(z.object({ name: z.string(), sha256: z.string() })),
  sha256: z.string(),
  preprocessing: TargetPreprocessing,
  inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  layout: z.enum(['NCHW', 'NHWC']),
  outputClasses: z.number().int(),
  dataset: z.string(),
  naturalAccuracy: z.number(),
  sampled: z.number().int(),
  warning: z.string().optional(),
  importedAt: z.string()
})
export type TargetRecord = z.infer<typeof TargetRecord>

export interface ImportRequest {
  /** A .onnx file or a TensorFlow.js model.json. */
  file: string
  name: string
  preprocessing: TargetPreprocessingInput
  /** Test images used for the natural-accuracy check. */
  sample?: number
}

/** Loads the model a file holds, choosing the loader by extension. */
export async function loadTargetFile(
  file: string,
  preprocessing: TargetPreprocessing
): Promise<TargetModel> {
  if (file.toLowerCase().endsWith('.onnx')) return loadOnnxTarget(file, preprocessing)
  if (file.toLowerCase().endsWith('.json')) return loadTfjsTarget(file, preprocessing)
  throw new TargetImportError(
    file,
    'unknown model format: import an ONNX file (.onnx) or a TensorFlow.js model.json.'
  )
}

async function sourceFiles(file: string): Promise<string[]> {
  if (!file.toLowerCase().endsWith('.json')) return [file]
  const { shards } = await readModelJson(file)
  return [file, ...shards]
}

/** Validates, measures and stores a target; returns its record (the stored one if already imported). */
export async function importTarget(
  targetsDir: string,
  request: ImportRequest,
  dataset: ImageDataset
): Promise<TargetRecord> {
  const parsed = TargetPreprocessing.safeParse(request.preprocessing)
  if (!parsed.success)
    throw new TargetImportError(
      request.file,
      `invalid preprocessing (${describeSpecIssues(parsed.error).join('; ')}).`
    )
  const preprocessing = parsed.data
  const files = await sourceFiles(request.file)
  const hashes = await Promise.all(
    files.map(async (f) =>
      createHash('sha256')
        .update(await readFile(f))
        .digest('hex')
    )
  )
  const sha256 = createHash('sha256')
    .update(hashes.join('\n'))
    .update(JSON.stringify(preprocessing))
    .digest('hex')
  const id = sha256.slice(0, 16)
  const existing = await readRecord(targetsDir, id).catch(() => undefined)
  if (existing) return existing
  const target = await loadTargetFile(request.file, preprocessing)
  let record: TargetRecord
  try {
    checkTargetFits(request.file, target, dataset.test, dataset.classNames)
    const natural = await measureNaturalAccuracy(
      target,
      dataset.test,
      dataset.classNames.length,
      request.sample ?? 200
    )
    record = {
      format: TARGET_FORMAT,
      id,
      name: request.name,
      modelFormat: target.format,
      entry: basename(request.file),
      files: files.map((f, i) => ({ name: relativeName(request.file, f), sha256: hashes[i] })),
      sha256,
      preprocessing,
      inputShape: target.inputShape,
      layout: target.layout,
      outputClasses: target.outputClasses,
      dataset: dataset.name,
      naturalAccuracy: natural.accuracy,
      sampled: natural.sampled,
      ...(natural.warning ? { warning: natural.warning } : {}),
      importedAt: new Date().toISOString()
    }
  } finally {
    await target.dispose()
  }
  await mkdir(targetsDir, { recursive: true })
  const staging = join(targetsDir, `.import-${id}-${process.pid}-${Date.now()}`)
  try {
    await mkdir(staging, { recursive: true })
    for (const [i, f] of files.entries()) {
      const dest = join(staging, record.files[i].name)
      await mkdir(join(dest, '..'), { recursive: true })
      await copyFile(f, dest)
    }
    await writeJsonAtomic(join(staging, 'target.json'), record)
    await rename(staging, join(targetsDir, id))
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
  return record
}

/** Shard paths in model.json are relative to it; keep that relation in the copy. */
function relativeName(entry: string, file: string): string {
  if (file === entry) return basename(entry)
  const base = join(entry, '..')
  return file.startsWith(base) ? file.slice(base.length + 1) : basename(file)
}

export async function readRecord(targetsDir: string, id: string): Promise<TargetRecord> {
  const path = join(targetsDir, id, 'target.json')
  const parsed = TargetRecord.safeParse(await readJsonFile(path))
  if (!parsed.success)
    throw new Error(
      `${path} is not a valid target record (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}).`
    )
  return parsed.data
}

/** Every stored target, oldest first; skips folders that are not complete imports. */
export async function listTargets(targetsDir: string): Promise<TargetRecord[]> {
  const names = await readdir(targetsDir).catch(() => [] as string[])
  const records: TargetRecord[] = []
  for (const name of names.filter((n) => !n.startsWith('.'))) {
    const record = await readRecord(targetsDir, name).catch(() => undefined)
    if (record) records.push(record)
  }
  return records.sort((a, b) => a.importedAt.localeCompare(b.importedAt))
}

/** Loads a stored target after checking every file still matches its hash. */
export async function loadStoredTarget(
  targetsDir: string,
  id: string
): Promise<{ record: TargetRecord; model: TargetModel }> {
  const record = await readRecord(targetsDir, id)
  for (const f of record.files) {
    const path = join(targetsDir, id, f.name)
    const hash = createHash('sha256')
      .update(await readFile(path))
      .digest('hex')
    if (hash !== f.sha256)
      throw new Error(
        `${path} does not match its recorded hash: the file was changed. Import the model again.`
      )
  }
  return {
    record,
    model: await loadTargetFile(join(targetsDir, id, record.entry), record.preprocessing)
  }
}
