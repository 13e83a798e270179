/** The stand-ins of a Harden step as its later tasks load them: trained ones and a reused target alike. */
import type { AuditSpec } from '../../../contract/audit-spec'
import type { Classifier } from '../../models/classifier'
import type { TaskContext } from '../../tasks/audit-task'
import { loadRunModel } from '../../tasks/load-run-model'
import { hardenModels, type HardenModel } from '../stand-ins'

/** Every stand-in's train task, for `deps`. */
export function standInTrainTasks(spec: AuditSpec): string[] {
  return spec.harden ? hardenModels(spec, spec.harden).map((m) => m.trainTask) : []
}

export async function loadStandIns(
  ctx: TaskContext,
  only?: HardenModel['recipe']
): Promise<(HardenModel & { model: Classifier })[]> {
  const { spec } = ctx.job
  const models = hardenModels(spec, spec.harden!).filter(
    (m) => only === undefined || m.recipe === only
  )
  const loaded: (HardenModel & { model: Classifier })[] = []
  for (const m of models)
    loaded.push({
      ...m,
      model: await loadRunModel(ctx, m.folder, (ctx.job.deps[m.trainTask] as { hash: string }).hash)
    })
  return loaded
}
