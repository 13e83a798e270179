/**
 * Loads an audit's imported (in-house) target through the targets module's loaders and checks it
 * fits the dataset (input shape, class count or class map) before anything is trained, so a wrong
 * file fails the audit early with the file named. The hash is the sha256 of the model's files
 * (model-files.ts: an ONNX file and its external data, a model.json and its weight shards), the
 * same hash the zoo records; for a
 * model trained in Flatline ('flatline', a run's model folder) it is the weights' sha256 its manifest
 * records, the same hash the run that trained it reports.
 */
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImportedTargetSpec } from '../../contract/audit-spec'
import type { ModelResult } from '../../contract/run-record'
import type { ImageDataset } from '../data/dataset'
import { checkTargetFits } from '../targets/check-target-fits'
import { loadFlatlineTarget } from '../targets/flatline-target'
import { hashModel, modelFiles } from '../targets/model-files'
import { loadOnnxTarget } from '../targets/onnx-target'
import { TargetImportError, type TargetModel } from '../targets/target-model'
import { loadTfjsTarget } from '../targets/tfjs-target'

export interface ImportedTarget {
  name: string
  model: TargetModel
  role: 'target'
  result: ModelResult
}

export async function loadImportedTarget(
  spec: ImportedTargetSpec,
  dataset: ImageDataset
): Promise<ImportedTarget> {
  if (spec.format === 'flatline') return loadTrainedTarget(spec, dataset)
  const files = await modelFiles(spec.format, spec.path).catch((err: unknown) => {
    throw err instanceof TargetImportError && /does not exist/.test(err.message)
      ? new TargetImportError(
          spec.path,
          `cannot read the imported target "${spec.name}"; check its path in importedTargets.`
        )
      : err
  })
  const { sha256 } = await hashModel(spec.format, files)
  const model =
    spec.format === 'onnx'
      ? await loadOnnxTarget(spec.path, spec.preprocessing)
      : await loadTfjsTarget(spec.path, spec.preprocessing)
  return fitting(spec, model, dataset, { params: 0, hash: sha256 })
}

/** A model a Flatline run trained: loadClassifier checks its weights against the manifest's sha256, the hash recorded. */
async function loadTrainedTarget(
  spec: ImportedTargetSpec,
  dataset: ImageDataset
): Promise<ImportedTarget> {
  await access(join(spec.path, 'manifest.json')).catch(() => {
    throw new TargetImportError(
      spec.path,
      `cannot read the imported target "${spec.name}": no manifest.json in that folder; check its path in importedTargets.`
    )
  })
  const model = await loadFlatlineTarget(spec.path, spec.preprocessing)
  return fitting(spec, model, dataset, { params: model.params, hash: model.sha256 })
}

async function fitting(
  spec: ImportedTargetSpec,
  model: TargetModel,
  dataset: ImageDataset,
  known: { params: number; hash: string }
): Promise<ImportedTarget> {
  try {
    checkTargetFits(spec.path, model, dataset.test, dataset.classNames)
  } catch (err) {
    await model.dispose()
    throw err
  }
  const result: ModelResult = {
    name: spec.name,
    role: 'target',
    arch: spec.format,
    params: known.params,
    accuracy: 0,
    hash: known.hash,
    epochs: [],
    trainSeconds: 0
  }
  return { name: spec.name, model, role: 'target', result }
}
