/**
 * Imports an audit's ONNX surrogate: reads the file (and its external data), builds the graph
 * (unsupported op, unresolvable input shape, no float weights or a quantized model refused with
 * the file and node named), checks it fits the dataset (image size and channels, with the
 * `resize` fix offered; every dataset class reachable through `classMap`), then checks its
 * forward pass against onnxruntime. All of it runs before the audit trains anything.
 */
import { createHash } from 'node:crypto'
import type { ImportedSurrogateSpec } from '../../contract/onnx-surrogate'
import type { OnnxAgreement } from '../../contract/run-record'
import type { ImageDataset } from '../data/dataset'
import { checkTargetFits } from '../targets/check-target-fits'
import type { TargetModel } from '../targets/target-model'
import { checkForwardAgreement } from './forward-agreement'
import { buildOnnxClassifier } from './load-onnx-classifier'
import type { OnnxClassifier } from './onnx-classifier'
import { OnnxImportError } from './onnx-import-error'
import { readOnnxFile } from './read-onnx-file'

export interface ImportedSurrogate {
  model: OnnxClassifier
  /** sha256 of the .onnx file. */
  hash: string
  agreement: OnnxAgreement
}

export async function importOnnxSurrogate(
  spec: ImportedSurrogateSpec,
  dataset: ImageDataset,
  checkImages?: number
): Promise<ImportedSurrogate> {
  const file = spec.path
  const { model: message, baseDir, bytes } = await readOnnxFile(file)
  const { train } = dataset
  const model = buildOnnxClassifier(file, message, baseDir, {
    preprocessing: spec.preprocessing,
    batchNorm: spec.fineTune?.batchNorm ?? 'update',
    inputShape: [train.height, train.width, train.channels],
    numClasses: dataset.classNames.length
  })
  try {
    const setup = model.config.onnx
    const asTarget = {
      inputShape: setup.graphInputShape,
      layout: setup.layout,
      preprocessing: setup.preprocessing,
      outputClasses: model.graphOutputs
    } as TargetModel
    checkTargetFits(file, asTarget, dataset.test, dataset.classNames)
    const classMap = setup.preprocessing.classMap
    const unreachable = classMap
      ? dataset.classNames.findIndex((_, c) => !classMap.includes(c))
      : -1
    if (unreachable >= 0)
      throw new OnnxImportError(
        file,
        `preprocessing.classMap maps no output to dataset class ${unreachable} (${dataset.classNames[unreachable]}); a surrogate needs a logit for every class.`
      )
    const agreement = await checkForwardAgreement(model, file, dataset.test, checkImages)
    return { model, hash: createHash('sha256').update(bytes).digest('hex'), agreement }
  } catch (err) {
    model.params.dispose()
    throw err
  }
}
