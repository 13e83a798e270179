/**
 * Loads an audit's imported (in-house) target through the targets module's loaders and checks it
 * fits the dataset (input shape, class count or class map) before anything is trained, so a wrong
 * file fails the audit early with the file named. The hash is the sha256 of the model's bytes
 * (for TensorFlow.js, model.json followed by its weight shards, so changed weights change it).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ImportedTargetSpec } from '../../contract/audit-spec'
import type { ModelResult } from '../../contract/run-record'
import type { ImageDataset } from '../data/dataset'
import { checkTargetFits } from '../targets/check-target-fits'
import { loadOnnxTarget } from '../targets/onnx-target'
import { TargetImportError, type TargetModel } from '../targets/target-model'
import { readModelJson } from '../targets/tfjs-file-handler'
import { loadTfjsTarget } from '../targets/tfjs-target'

export interface ImportedTarget {
  name: string
  model: TargetModel
  role: 'target'
  result: ModelResult
}

export async function loadImportedTarget(spec: ImportedTargetSpec, dataset: ImageDataset): Promise<ImportedTarget> {
  const files = spec.format === 'tfjs' ? [spec.path, ...(await readModelJson(spec.path)).shards] : [spec.path]
  const hash = createHash('sha256')
  for (const file of files) {
    const bytes = await readFile(file).catch(() => {
      throw new TargetImportError(file, `cannot read the imported target "${spec.name}"; check its path in importedTargets.`)
    })
    hash.update(bytes)
  }
  const model = spec.format === 'onnx' ? await loadOnnxTarget(spec.path, spec.preprocessing) : await loadTfjsTarget(spec.path, spec.preprocessing)
  try {
    checkTargetFits(spec.path, model, dataset.test, dataset.classNames)
  } catch (err) {
    await model.dispose()
    throw err
  }
  const result: ModelResult = { name: spec.name, role: 'target', arch: spec.format, params: 0, accuracy: 0, hash: hash.digest('hex'), epochs: [], trainSeconds: 0 }
  return { name: spec.name, model, role: 'target', result }
}
