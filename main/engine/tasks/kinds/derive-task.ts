/**
 * A derived surrogate (early-stopped or SWA, jobs/derive-surrogate.ts), read from the checkpoints its
 * source's training task saved. Its task takes the id a training of that name would have
 * (`train-<name>`) and returns a training's result, so the evaluate and attack tasks use it like any
 * trained surrogate; it costs no training.
 */
import { trainedSurrogates } from '../../../contract/onnx-surrogate'
import { join } from 'node:path'
import type { AuditSpec } from '../../../contract/audit-spec'
import type { ModelResult } from '../../../contract/run-record'
import { deriveSurrogate } from '../../jobs/derive-surrogate'
import { auditData } from '../audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../audit-task'
import { modelFolder, modelResultOf, trainTaskId, type TrainResult } from './train-task'

export interface DeriveParams {
  name: string
}

export type DeriveResult = TrainResult & Pick<ModelResult, 'derived'>

export const deriveTask: TaskKindDefinition<DeriveParams, DeriveResult> = {
  kind: 'derive',
  shownAs: 'train',
  plan(spec: AuditSpec) {
    return (spec.derivedSurrogates ?? []).map((d) => ({
      id: trainTaskId(d.name),
      kind: 'derive',
      label: `${d.method === 'swa' ? 'SWA' : 'Early-stopped'} surrogate ${d.name} from the checkpoints of ${d.from}`,
      deps: [trainTaskId(d.from)],
      seed: trainedSurrogates(spec.surrogates).find((s) => s.name === d.from)?.seed ?? spec.seed,
      cost: 0,
      outputs: [modelFolder(d.name)],
      params: { name: d.name }
    }))
  },
  run: derive,
  // After the trained surrogates, before the targets: the order tables list them in.
  collect(outcomes, { results }) {
    const at = results.models.filter((m) => m.role === 'surrogate').length
    results.models.splice(
      at,
      0,
      ...outcomes.map(({ result: r }) => ({
        ...modelResultOf(r),
        ...(r.derived ? { derived: r.derived } : {})
      }))
    )
  }
}

async function derive(task: AuditTask<DeriveParams>, ctx: TaskContext): Promise<DeriveResult> {
  const started = performance.now()
  const { spec } = ctx.job
  const d = spec.derivedSurrogates?.find((x) => x.name === task.params.name)
  const sourceSpec = trainedSurrogates(spec.surrogates).find((s) => s.name === d?.from)
  if (!d || !sourceSpec)
    throw new Error(`the spec has no derived surrogate "${task.params.name}" with a trained source`)
  const source = ctx.job.deps[trainTaskId(d.from)] as TrainResult
  const { dataset } = await auditData(spec)
  const passes = source.epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0)
  const { model, hash, result } = await deriveSurrogate(d, {
    source: { spec: sourceSpec, epochs: source.epochs, passes },
    modelsDir: join(ctx.runDir, 'models'),
    dataset,
    signal: ctx.signal
  })
  ctx.defer(() => model.params.dispose())
  return {
    name: d.name,
    role: 'surrogate',
    arch: sourceSpec.arch,
    params: model.params.countTrainable(),
    hash,
    epochs: result.epochs,
    seconds: (performance.now() - started) / 1000,
    validationAttacked: 0,
    ...(result.chosenEpoch ? { chosenEpoch: result.chosenEpoch } : {}),
    derived: result.derived
  }
}
