/**
 * Train one model of an audit (a validation target, a surrogate or a target), or pick it up where a
 * resumed run left it (train-audit-model.ts). A surrogate probed every epoch (early stopping,
 * tracked transfer or sharpness) waits for the validation targets and loads them from the run.
 */
import { join } from 'node:path'
import type { AuditSpec, ModelSpec } from '../../../contract/audit-spec'
import { isImportedSurrogate } from '../../../contract/onnx-surrogate'
import type { EpochMetrics } from '../../../contract/job-events'
import type { ModelResult } from '../../../contract/run-record'
import { knownDatasetSize, trainingPasses } from '../../../contract/time-estimate'
import { loadImportedTarget } from '../../jobs/load-imported-target'
import { trainAuditModel } from '../../jobs/train-audit-model'
import { EpochProbes } from '../../training/epoch-probes'
import { auditData } from '../audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../audit-task'
import { loadRunModel } from '../load-run-model'

export type TrainRole = 'validation target' | 'surrogate' | 'target'

export interface TrainParams {
  model: string
  role: TrainRole
}

export interface TrainResult {
  name: string
  role: TrainRole
  arch: string
  params: number
  hash: string
  epochs: EpochMetrics[]
  seconds: number
  chosenEpoch?: { epoch: number; reason: string }
  /** Why training stopped early (a NaN or infinite loss), when it did. */
  stopped?: string
  /** Validation images each epoch was attacked on (0 when the model is not probed). */
  validationAttacked: number
}

export const trainTaskId = (model: string): string => `train-${model}`

/** The run-relative folder of a trained model. */
export const modelFolder = (model: string): string => `models/${model}`

export function roleModels(spec: AuditSpec): { spec: ModelSpec; role: TrainRole }[] {
  return [
    ...(spec.validation?.targets ?? []).map((m) => ({
      spec: m,
      role: 'validation target' as const
    })),
    // Imported ONNX surrogates have their own task (onnx-surrogate-task.ts).
    ...spec.surrogates
      .filter((m): m is ModelSpec => !isImportedSurrogate(m))
      .map((m) => ({ spec: m, role: 'surrogate' as const })),
    ...spec.targets.map((m) => ({ spec: m, role: 'target' as const }))
  ]
}

/** Images a model trains on, for costs: known for the embedded data, else the spec's limit or a guess. */
export function trainImagesOf(spec: AuditSpec): number {
  return knownDatasetSize(spec.dataset)?.train ?? (spec.dataset.trainLimit || 10000)
}

export const trainTask: TaskKindDefinition<TrainParams, TrainResult> = {
  kind: 'train',
  shownAs: 'train',
  plan(spec) {
    const validationTrainings = (spec.validation?.targets ?? []).map((m) => trainTaskId(m.name))
    return roleModels(spec).map(({ spec: m, role }) => ({
      id: trainTaskId(m.name),
      kind: 'train',
      label: `Train ${role} ${m.name} (${m.arch})`,
      deps: role === 'surrogate' && scoresValidation(m) ? validationTrainings : [],
      seed: m.seed,
      cost: trainingPasses(m, trainImagesOf(spec)),
      outputs: [modelFolder(m.name)],
      params: { model: m.name, role }
    }))
  },
  run: trainModel,
  // `results.validation` already lists the imported validation targets (checked before the run starts).
  collect(outcomes, { results }) {
    for (const { result: r } of outcomes) {
      if (r.role !== 'validation target') results.models.push(modelResultOf(r))
      else results.validation?.targets.push({ name: r.name, arch: r.arch, hash: r.hash })
      if (results.validation && r.validationAttacked)
        results.validation.attacked = r.validationAttacked
    }
  }
}

async function trainModel(task: AuditTask<TrainParams>, ctx: TaskContext): Promise<TrainResult> {
  const { spec } = ctx.job
  const { role } = task.params
  const modelSpec = roleModels(spec).find((m) => m.spec.name === task.params.model)?.spec
  if (!modelSpec) throw new Error(`the spec has no model "${task.params.model}"`)
  const { dataset, normalization } = await auditData(spec)
  const probes = new EpochProbes(spec, dataset, ctx.signal)
  if (role === 'surrogate' && scoresValidation(modelSpec)) {
    // Imported validation targets first, then trained ones: the order validation rates are averaged in.
    for (const v of spec.validation?.importedTargets ?? []) {
      const loaded = await loadImportedTarget(v, dataset)
      ctx.defer(() => loaded.model.dispose())
      probes.addValidationTarget(loaded)
    }
    for (const v of spec.validation?.targets ?? []) {
      const model = await loadRunModel(
        ctx,
        modelFolder(v.name),
        (ctx.job.deps[trainTaskId(v.name)] as TrainResult).hash
      )
      probes.addValidationTarget({ name: v.name, model })
    }
  }
  const trained = await trainAuditModel(modelSpec, {
    role,
    dataset,
    normalization,
    modelDir: join(ctx.runDir, modelFolder(modelSpec.name)),
    resume: ctx.job.resume,
    probes,
    signal: ctx.signal,
    emit: ctx.emit,
    keep: (model) => ctx.defer(() => model.params.dispose())
  })
  return {
    name: modelSpec.name,
    role,
    arch: modelSpec.arch,
    params: trained.model.params.countTrainable(),
    hash: trained.hash,
    epochs: trained.epochs,
    seconds: trained.seconds,
    ...(trained.chosenEpoch ? { chosenEpoch: trained.chosenEpoch } : {}),
    ...(trained.stopped ? { stopped: trained.stopped } : {}),
    validationAttacked: probes.validationAttacked
  }
}

/** A surrogate scored on validation targets every epoch (early stopping, tracked transfer). */
function scoresValidation(m: ModelSpec): boolean {
  return Boolean(m.earlyStopping || m.track?.transfer)
}

export function modelResultOf(r: TrainResult): ModelResult {
  const passes = r.epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0)
  return {
    name: r.name,
    role: r.role as 'surrogate' | 'target',
    arch: r.arch,
    params: r.params,
    accuracy: 0,
    hash: r.hash,
    epochs: r.epochs,
    trainSeconds: r.seconds,
    passes,
    ...(r.chosenEpoch ? { chosenEpoch: r.chosenEpoch } : {}),
    ...(r.stopped ? { stopped: r.stopped } : {})
  }
}
