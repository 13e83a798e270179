/**
 * Harden step, task 1 of 5: train one recipe's stand-in (stand-ins.ts) with checkpoints and resume,
 * like any model of the audit (train-audit-model.ts). The SGD stand-in of a trained target is that
 * target itself and gets no task: its weights come from the target's own training.
 */
import { join } from 'node:path'
import type { EpochMetrics } from '../../../contract/job-events'
import { standInName, type HardenRecipeId } from '../../../contract/harden-spec'
import { trainingPasses } from '../../../contract/time-estimate'
import { trainAuditModel } from '../../jobs/train-audit-model'
import { EpochProbes } from '../../training/epoch-probes'
import { auditData } from '../../tasks/audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../../tasks/audit-task'
import { modelFolder, trainImagesOf, trainTaskId } from '../../tasks/kinds/train-task'
import { plannedBase, standInBase, standIns } from '../stand-ins'

export interface HardenTrainParams {
  recipe: HardenRecipeId
}

export interface HardenTrainResult {
  recipe: HardenRecipeId
  name: string
  arch: string
  width: number
  seed: number
  params: number
  hash: string
  epochs: EpochMetrics[]
  seconds: number
}

export const hardenTrainTask: TaskKindDefinition<HardenTrainParams, HardenTrainResult> = {
  kind: 'harden-train',
  shownAs: 'train',
  plan(spec) {
    if (!spec.harden) return []
    const harden = spec.harden
    return standIns(plannedBase(spec, harden), harden)
      .filter((s) => !s.sameAs)
      .map((s) => ({
        id: trainTaskId(s.spec.name),
        kind: 'harden-train',
        label: `Harden: train stand-in ${s.label}`,
        deps: [],
        seed: s.spec.seed,
        cost: trainingPasses(s.spec, trainImagesOf(spec)),
        outputs: [modelFolder(s.spec.name)],
        params: { recipe: s.recipe }
      }))
  },
  run: trainStandIn
}

async function trainStandIn(
  task: AuditTask<HardenTrainParams>,
  ctx: TaskContext
): Promise<HardenTrainResult> {
  const { spec } = ctx.job
  if (!spec.harden) throw new Error('the spec has no harden block')
  // A Flatline model file is read here, where the task runs: its manifest gives the architecture and recipe.
  const standIn = standIns(await standInBase(spec, spec.harden), spec.harden).find(
    (s) => s.recipe === task.params.recipe
  )
  if (!standIn) throw new Error(`the harden block has no recipe "${task.params.recipe}"`)
  const { dataset, normalization } = await auditData(spec)
  const trained = await trainAuditModel(standIn.spec, {
    role: 'target',
    dataset,
    normalization,
    modelDir: join(ctx.runDir, modelFolder(standInName(standIn.recipe))),
    resume: ctx.job.resume,
    probes: new EpochProbes(spec, dataset, ctx.signal),
    signal: ctx.signal,
    emit: ctx.emit,
    keep: (model) => ctx.defer(() => model.params.dispose())
  })
  return {
    recipe: standIn.recipe,
    name: standIn.spec.name,
    arch: standIn.spec.arch,
    width: standIn.spec.width,
    seed: standIn.spec.seed,
    params: trained.model.params.countTrainable(),
    hash: trained.hash,
    epochs: trained.epochs,
    seconds: trained.seconds
  }
}
