/**
 * LGV's weight collection from one trained surrogate (attack-plan.ts), saved into the run so every
 * attack task that asks for the same collection — in this process or another — loads the same members.
 * One task per surrogate and distinct `collect` recipe; a surrogate with LGV `sources` loads those
 * folders in its attack task instead.
 */
import { join } from 'node:path'
import type { AuditSpec } from '../../../contract/audit-spec'
import { attackQueue } from '../../../contract/attack-queue'
import { TrainingRecipe } from '../../../contract/audit-spec'
import { collectLgvMembers } from '../../attacks/attack-plan'
import { saveClassifier } from '../../models/model-io'
import { auditData } from '../audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../audit-task'
import { loadRunModel } from '../load-run-model'
import { modelFolder, trainImagesOf, trainTaskId, type TrainResult } from './train-task'

type Collect = { epochs: number; perEpoch: number; lr: number; batchSize: number }

export interface LgvParams {
  surrogate: string
  collect: Collect
}

export interface LgvResult {
  /** Run-relative member folders and their weight hashes, in collection order. */
  members: { folder: string; hash: string }[]
}

/** The LGV collection tasks of a spec, keyed by `lgvKey` of (surrogate, recipe). */
export function lgvCollections(spec: AuditSpec): Map<string, { id: string; params: LgvParams }> {
  const found = new Map<string, { id: string; params: LgvParams }>()
  const perSurrogate = new Map<string, number>()
  for (const { attack, surrogates } of attackQueue(spec)) {
    const lgv = attack.stack.lgv
    if (!lgv?.collect) continue
    for (const surrogate of surrogates) {
      const key = lgvKey(surrogate, lgv.collect)
      if (found.has(key) || lgv.sources.some((s) => s.surrogate === surrogate)) continue
      const n = (perSurrogate.get(surrogate) ?? 0) + 1
      perSurrogate.set(surrogate, n)
      found.set(key, {
        id: n === 1 ? `lgv-${surrogate}` : `lgv-${n}-${surrogate}`,
        params: { surrogate, collect: lgv.collect }
      })
    }
  }
  return found
}

export function lgvKey(surrogate: string, collect: Collect): string {
  return JSON.stringify([surrogate, collect])
}

export const lgvTask: TaskKindDefinition<LgvParams, LgvResult> = {
  kind: 'lgv',
  shownAs: 'train',
  plan(spec) {
    return [...lgvCollections(spec).values()].map(({ id, params }) => ({
      id,
      kind: 'lgv',
      label: `Collect LGV members from ${params.surrogate}`,
      deps: [trainTaskId(params.surrogate)],
      seed: spec.seed,
      cost: params.collect.epochs * trainImagesOf(spec),
      outputs: [`lgv/${id}`],
      params
    }))
  },
  run: collect
}

async function collect(task: AuditTask<LgvParams>, ctx: TaskContext): Promise<LgvResult> {
  const { surrogate, collect } = task.params
  const { dataset } = await auditData(ctx.job.spec)
  const hash = (ctx.job.deps[trainTaskId(surrogate)] as TrainResult).hash
  const model = await loadRunModel(ctx, modelFolder(surrogate), hash)
  ctx.emit({
    kind: 'task-progress',
    taskId: task.id,
    value: 0,
    detail: `${collect.epochs} epochs, ${collect.perEpoch} members per epoch`
  })
  const members = await collectLgvMembers(model, dataset.train, collect, {
    seed: task.seed,
    flipPreservesLabel: dataset.flipPreservesLabel,
    signal: ctx.signal
  })
  for (const m of members) ctx.defer(() => m.params.dispose())
  const recipe = TrainingRecipe.parse({
    epochs: collect.epochs,
    batchSize: collect.batchSize,
    lr: collect.lr,
    lrSchedule: { kind: 'constant' }
  })
  const saved: LgvResult['members'] = []
  for (const [i, m] of members.entries()) {
    const folder = `lgv/${task.id}/member-${String(i + 1).padStart(3, '0')}`
    const manifest = await saveClassifier(m, join(ctx.runDir, folder), {
      name: `${surrogate} LGV member ${i + 1}`,
      dataset: dataset.name,
      recipe,
      seed: task.seed,
      metrics: []
    })
    saved.push({ folder, hash: manifest.sha256 })
  }
  return { members: saved }
}
