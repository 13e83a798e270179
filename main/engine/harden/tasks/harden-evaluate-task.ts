/**
 * Harden step, task 2 of 5: natural accuracy of every stand-in, and the images their attacks run on:
 * the first `maxExamples` test images every stand-in classifies correctly (the audit's own rule, so
 * a success is a change the attack caused and every recipe is measured on the same images).
 */
import { attackQueue } from '../../../contract/attack-queue'
import type { HardenRecipeId } from '../../../contract/harden-spec'
import { range } from '../../data/dataset'
import { accuracyOf, predictSplit } from '../../evaluation/predict'
import { commonlyCorrect } from '../../evaluation/transfer-evaluation'
import { auditData } from '../../tasks/audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../../tasks/audit-task'
import { loadStandIns, standInTrainTasks } from './load-stand-ins'

export const HARDEN_EVALUATE_TASK_ID = 'harden-evaluate'

export interface HardenEvaluateResult {
  accuracy: Partial<Record<HardenRecipeId, number>>
  candidates: number
  allCorrect: number
  attacked: number[]
}

export const hardenEvaluateTask: TaskKindDefinition<Record<string, never>, HardenEvaluateResult> = {
  kind: 'harden-evaluate',
  shownAs: 'evaluate',
  plan(spec) {
    if (!spec.harden) return []
    return [
      {
        id: HARDEN_EVALUATE_TASK_ID,
        kind: 'harden-evaluate',
        label: 'Harden: natural accuracy of the stand-ins',
        deps: standInTrainTasks(spec),
        seed: spec.seed,
        cost: 0,
        outputs: [],
        params: {}
      }
    ]
  },
  run: evaluateStandIns
}

async function evaluateStandIns(task: AuditTask, ctx: TaskContext): Promise<HardenEvaluateResult> {
  const { test } = (await auditData(ctx.job.spec)).dataset
  const standIns = await loadStandIns(ctx)
  const candidates = range(test.count)
  const accuracy: HardenEvaluateResult['accuracy'] = {}
  const predictions: Int32Array[] = []
  for (const [i, s] of standIns.entries()) {
    const p = await predictSplit(s.model, test, candidates)
    predictions.push(p)
    accuracy[s.recipe] = accuracyOf(p, test, candidates)
    ctx.emit({
      kind: 'task-progress',
      taskId: task.id,
      value: (i + 1) / standIns.length,
      detail: `${s.label}: ${(accuracy[s.recipe]! * 100).toFixed(1)} %`
    })
  }
  const allCorrect = commonlyCorrect(test, candidates, predictions)
  if (allCorrect.length === 0)
    throw new Error(
      'Harden: no test image is classified correctly by every stand-in, so transfer cannot be measured; train the stand-ins longer or drop the recipe that fails'
    )
  return {
    accuracy,
    candidates: candidates.length,
    allCorrect: allCorrect.length,
    attacked: allCorrect.slice(0, attackQueue(ctx.job.spec)[0].attack.maxExamples)
  }
}
