/**
 * One imported ONNX surrogate of an audit: import it (checked against onnxruntime), fine-tune it
 * when the spec asks, and save it in the run as `models/<name>` like a trained model. Its id is the
 * train task's (`train-<name>`) and its result a TrainResult, so evaluation, LGV and attack tasks
 * load it exactly as they load a trained surrogate.
 */
import {
  fineTuneRecipe,
  FINE_TUNE_PRESETS,
  importedSurrogateLabel,
  isImportedSurrogate
} from '../../../contract/onnx-surrogate'
import type { OnnxAgreement } from '../../../contract/run-record'
import { trainingPasses } from '../../../contract/time-estimate'
import { finishImportedSurrogate } from '../../jobs/onnx-surrogates'
import { importOnnxSurrogate } from '../../onnx/import-onnx-surrogate'
import { auditData } from '../audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../audit-task'
import { modelFolder, trainImagesOf, trainTaskId, type TrainResult } from './train-task'
import { join } from 'node:path'

export interface OnnxSurrogateParams {
  model: string
}

export interface OnnxSurrogateResult extends TrainResult {
  path: string
  /** sha256 of the .onnx file. */
  fileHash: string
  agreement: OnnxAgreement
  fineTune?: string
}

export const onnxSurrogateTask: TaskKindDefinition<OnnxSurrogateParams, OnnxSurrogateResult> = {
  kind: 'onnx-surrogate',
  shownAs: 'train',
  plan(spec) {
    return spec.surrogates.filter(isImportedSurrogate).map((s) => ({
      id: trainTaskId(s.name),
      kind: 'onnx-surrogate',
      label: importedSurrogateLabel(s),
      deps: [],
      seed: spec.seed,
      cost: s.fineTune
        ? trainingPasses({ recipe: fineTuneRecipe(s.fineTune) }, trainImagesOf(spec))
        : 0,
      outputs: [modelFolder(s.name)],
      params: { model: s.name }
    }))
  },
  run: importSurrogate,
  collect(outcomes, { results }) {
    for (const { result: r } of outcomes)
      results.models.push({
        name: r.name,
        role: 'surrogate',
        arch: 'onnx',
        params: r.params,
        accuracy: 0,
        hash: r.hash,
        epochs: r.epochs,
        trainSeconds: r.seconds,
        passes: r.epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0),
        onnx: {
          path: r.path,
          fileHash: r.fileHash,
          agreement: r.agreement,
          ...(r.fineTune ? { fineTune: r.fineTune } : {})
        }
      })
  }
}

async function importSurrogate(
  task: AuditTask<OnnxSurrogateParams>,
  ctx: TaskContext
): Promise<OnnxSurrogateResult> {
  const { spec } = ctx.job
  const surrogate = spec.surrogates
    .filter(isImportedSurrogate)
    .find((s) => s.name === task.params.model)
  if (!surrogate) throw new Error(`the spec has no imported surrogate "${task.params.model}"`)
  const { dataset } = await auditData(spec)
  const imported = await importOnnxSurrogate(surrogate, dataset)
  ctx.defer(() => imported.model.params.dispose())
  const finished = await finishImportedSurrogate(
    { ...imported, spec: surrogate },
    {
      dataset,
      modelDir: join(ctx.runDir, modelFolder(surrogate.name)),
      seed: task.seed,
      signal: ctx.signal,
      emit: ctx.emit
    }
  )
  return {
    name: surrogate.name,
    role: 'surrogate',
    arch: 'onnx',
    params: imported.model.params.countTrainable(),
    hash: finished.hash,
    epochs: finished.epochs,
    seconds: finished.seconds,
    validationAttacked: 0,
    path: surrogate.path,
    fileHash: imported.hash,
    agreement: imported.agreement,
    ...(surrogate.fineTune ? { fineTune: FINE_TUNE_PRESETS[surrogate.fineTune.preset].label } : {})
  }
}
