/**
 * Harden step, task 3 of 5: one of the audit's queued stacks from one of its surrogates, scored on
 * every stand-in (measureTransfer, the audit's own scoring), on the images harden-evaluate chose,
 * with the audit's seeds. Nothing is exported: the audit's own attacks hold the examples.
 */
import { attackQueue } from '../../../contract/attack-queue'
import type { TransferCell } from '../../../contract/run-record'
import { attackPasses } from '../../../contract/time-estimate'
import { loadLgvMembers } from '../../attacks/attack-plan'
import { measureTransfer } from '../../evaluation/transfer-evaluation'
import { throttleProgress } from '../../jobs/progress-throttle'
import type { Classifier } from '../../models/classifier'
import { auditData } from '../../tasks/audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../../tasks/audit-task'
import { loadRunModel } from '../../tasks/load-run-model'
import { lgvCollections, lgvKey, type LgvResult } from '../../tasks/kinds/lgv-task'
import { modelFolder, trainTaskId, type TrainResult } from '../../tasks/kinds/train-task'
import { HARDEN_EVALUATE_TASK_ID, type HardenEvaluateResult } from './harden-evaluate-task'
import { loadStandIns, standInTrainTasks } from './load-stand-ins'

export interface HardenAttackParams {
  stack: number
  surrogate: string
  lgvTask?: string
}

export interface HardenAttackResult {
  cells: TransferCell[]
}

export const hardenAttackTask: TaskKindDefinition<HardenAttackParams, HardenAttackResult> = {
  kind: 'harden-attack',
  shownAs: 'attack',
  plan(spec) {
    if (!spec.harden) return []
    const queue = attackQueue(spec)
    const lgv = lgvCollections(spec)
    return queue.flatMap(({ label, attack, surrogates }, stack) =>
      surrogates.map((surrogate) => {
        const lgvTask = attack.stack.lgv?.collect
          ? lgv.get(lgvKey(surrogate, attack.stack.lgv.collect))?.id
          : undefined
        return {
          id:
            queue.length === 1
              ? `harden-attack-${surrogate}`
              : `harden-attack-${stack + 1}-${surrogate}`,
          kind: 'harden-attack',
          label: `Harden: ${label} from ${surrogate} against the stand-ins`,
          deps: [
            HARDEN_EVALUATE_TASK_ID,
            trainTaskId(surrogate),
            ...standInTrainTasks(spec),
            ...(lgvTask ? [lgvTask] : [])
          ],
          seed: attack.seed ?? spec.seed,
          cost: attackPasses(attack, attack.maxExamples),
          outputs: [],
          params: { stack, surrogate, ...(lgvTask ? { lgvTask } : {}) }
        }
      })
    )
  },
  run: attackStandIns
}

async function attackStandIns(
  task: AuditTask<HardenAttackParams>,
  ctx: TaskContext
): Promise<HardenAttackResult> {
  const { spec } = ctx.job
  const { label, attack } = attackQueue(spec)[task.params.stack]
  const { test } = (await auditData(spec)).dataset
  const name = task.params.surrogate
  const surrogate = {
    name,
    model: await loadRunModel(
      ctx,
      modelFolder(name),
      (ctx.job.deps[trainTaskId(name)] as TrainResult).hash
    )
  }
  const standIns = await loadStandIns(ctx)
  const lgvMembers: Classifier[] = []
  if (task.params.lgvTask)
    for (const m of (ctx.job.deps[task.params.lgvTask] as LgvResult).members)
      lgvMembers.push(await loadRunModel(ctx, m.folder, m.hash))
  else
    for (const m of await loadLgvMembers(attack, name, surrogate.model.config)) {
      ctx.defer(() => m.params.dispose())
      lgvMembers.push(m)
    }
  const { attacked } = ctx.job.deps[HARDEN_EVALUATE_TASK_ID] as HardenEvaluateResult
  const progress = throttleProgress((value: number, detail: string) =>
    ctx.emit({ kind: 'task-progress', taskId: task.id, value, detail })
  )
  const result = await measureTransfer(
    surrogate,
    standIns.map((s) => ({ name: s.recipe, model: s.model })),
    test,
    attacked,
    { ...attack, exportExamples: false },
    {
      signal: ctx.signal,
      seed: task.seed,
      lgvMembers,
      onBatch: (done, total) => progress(done / total, `${done}/${total} examples`)
    }
  )
  // Cells name the recipe as their target; harden-rank files them under it.
  return { cells: result.cells.map((c) => ({ attack: label, ...c })) }
}
