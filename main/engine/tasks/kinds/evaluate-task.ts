/**
 * Natural accuracy of every scored model (trained surrogates and targets, imported targets) on the
 * test images, and the examples every attack runs on: the first `maxExamples` test images that every
 * target (trained or imported) classifies correctly — one list, so every stack's rows compare.
 */
import { attackQueue } from '../../../contract/attack-queue'
import type { ModelResult } from '../../../contract/run-record'
import { range } from '../../data/dataset'
import { accuracyOf, predictSplit } from '../../evaluation/predict'
import { commonlyCorrect, type NamedTarget } from '../../evaluation/transfer-evaluation'
import { surrogateSpecsWithDerived } from '../../jobs/derive-surrogate'
import { loadImportedTarget } from '../../jobs/load-imported-target'
import { auditData } from '../audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../audit-task'
import { loadRunModel } from '../load-run-model'
import { modelFolder, trainTaskId, type TrainResult } from './train-task'

export const EVALUATE_TASK_ID = 'evaluate'

export interface EvaluateResult {
  /** Natural accuracy of each trained surrogate and target, by name. */
  accuracy: Record<string, number>
  /** The imported targets' results, their accuracy filled in. */
  imported: ModelResult[]
  candidates: number
  allCorrect: number
  /** Test indices every attack stack runs on. */
  attacked: number[]
}

export const evaluateTask: TaskKindDefinition<Record<string, never>, EvaluateResult> = {
  kind: 'evaluate',
  shownAs: 'evaluate',
  plan(spec) {
    const scored = [...surrogateSpecsWithDerived(spec), ...spec.targets]
    return [
      {
        id: EVALUATE_TASK_ID,
        kind: 'evaluate',
        label: 'Natural accuracy of every model',
        deps: scored.map((m) => trainTaskId(m.name)),
        seed: spec.seed,
        cost: 0,
        outputs: [],
        params: {}
      }
    ]
  },
  run: evaluate,
  collect([outcome], { results }) {
    if (!outcome) return
    const { result } = outcome
    for (const m of results.models) m.accuracy = result.accuracy[m.name] ?? m.accuracy
    results.models.push(...result.imported)
    results.evaluated = {
      candidates: result.candidates,
      allCorrect: result.allCorrect,
      attacked: result.attacked.length
    }
  }
}

async function evaluate(task: AuditTask, ctx: TaskContext): Promise<EvaluateResult> {
  const { spec } = ctx.job
  const { dataset } = await auditData(spec)
  const { test } = dataset
  const scored: (NamedTarget & { role: 'surrogate' | 'target'; imported?: ModelResult })[] = []
  for (const [role, models] of [
    ['surrogate', surrogateSpecsWithDerived(spec)],
    ['target', spec.targets]
  ] as const)
    for (const m of models) {
      const hash = (ctx.job.deps[trainTaskId(m.name)] as TrainResult).hash
      scored.push({ name: m.name, role, model: await loadRunModel(ctx, modelFolder(m.name), hash) })
    }
  for (const t of spec.importedTargets ?? []) {
    const loaded = await loadImportedTarget(t, dataset)
    ctx.defer(() => loaded.model.dispose())
    scored.push({ ...loaded, imported: loaded.result })
  }
  const candidates = range(test.count)
  const accuracy: Record<string, number> = {}
  const imported: ModelResult[] = []
  const targetPredictions: Int32Array[] = []
  for (const [i, m] of scored.entries()) {
    const predictions = await predictSplit(m.model, test, candidates)
    if (m.role === 'target') targetPredictions.push(predictions)
    const value = accuracyOf(predictions, test, candidates)
    if (m.imported) imported.push({ ...m.imported, accuracy: value })
    else accuracy[m.name] = value
    ctx.emit({
      kind: 'task-progress',
      taskId: task.id,
      value: (i + 1) / scored.length,
      detail: `${m.name}: ${(value * 100).toFixed(1)} %`
    })
  }
  const allCorrect = commonlyCorrect(test, candidates, targetPredictions)
  const attacked = allCorrect.slice(0, attackQueue(spec)[0].attack.maxExamples)
  return {
    accuracy,
    imported,
    candidates: candidates.length,
    allCorrect: allCorrect.length,
    attacked
  }
}
