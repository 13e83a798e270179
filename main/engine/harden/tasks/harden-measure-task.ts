/**
 * Harden step, task 4 of 5: one stand-in's white-box L∞ PGD robust accuracy and the flatness of its
 * robust loss (Stutz et al. 2021), with the settings of harden-settings.ts. Independent of the
 * attacks, so it runs beside them on another worker.
 */
import type { HardenRecipeId } from '../../../contract/harden-spec'
import type { HardenRecipeResult } from '../../../contract/harden-results'
import { range } from '../../data/dataset'
import { Rng } from '../../data/rng'
import { auditData } from '../../tasks/audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../../tasks/audit-task'
import { hardenModels } from '../stand-ins'
import { measureSettings } from '../harden-settings'
import { measureRobustFlatness } from '../robust-flatness'
import { whiteBoxRobustness } from '../white-box-robustness'
import { loadStandIns } from './load-stand-ins'

export interface HardenMeasureParams {
  recipe: HardenRecipeId
}

export type HardenMeasureResult = Pick<HardenRecipeResult, 'recipe' | 'whiteBox' | 'flatness'>

export const hardenMeasureTask: TaskKindDefinition<HardenMeasureParams, HardenMeasureResult> = {
  kind: 'harden-measure',
  shownAs: 'evaluate',
  plan(spec) {
    if (!spec.harden) return []
    const h = spec.harden
    const f = h.flatness
    // PGD passes over images: white-box, then the reference, average-case and worst-case robust losses.
    const cost =
      h.whiteBox.examples * h.whiteBox.steps * h.whiteBox.restarts +
      f.examples * (f.pgdSteps + 1) * (1 + f.average.samples + f.worst.restarts) +
      f.worst.restarts * f.worst.steps * f.batchSize
    return hardenModels(spec, h).map((m) => ({
      id: `harden-measure-${m.recipe}`,
      kind: 'harden-measure',
      label: `Harden: white-box PGD and robust-loss flatness of ${m.label}`,
      deps: [m.trainTask],
      seed: new Rng(spec.seed).fork(`harden-measure-${m.recipe}`).seed(),
      cost,
      outputs: [],
      params: { recipe: m.recipe }
    }))
  },
  run: measureStandIn
}

async function measureStandIn(
  task: AuditTask<HardenMeasureParams>,
  ctx: TaskContext
): Promise<HardenMeasureResult> {
  const { spec } = ctx.job
  const { test } = (await auditData(spec)).dataset
  const [standIn] = await loadStandIns(ctx, task.params.recipe)
  const settings = measureSettings(spec, spec.harden!, test.count)
  const rng = new Rng(task.seed)
  const report = (value: number, detail: string): void =>
    ctx.emit({ kind: 'task-progress', taskId: task.id, value, detail })
  const whiteBox = await whiteBoxRobustness(
    standIn.model,
    test,
    range(settings.whiteBox.examples),
    { ...settings.whiteBox, randomStart: true, batchSize: spec.attack.batchSize },
    rng.fork('white-box').seed(),
    {
      signal: ctx.signal,
      onBatch: (done, total) => report((0.2 * done) / total, `white-box PGD ${done}/${total}`)
    }
  )
  const f = settings.flatness
  const flatness = await measureRobustFlatness(
    standIn.model,
    test,
    range(f.examples),
    {
      pgd: { eps: f.eps, steps: f.pgdSteps, stepSize: f.stepSize, randomStart: true },
      batchSize: spec.harden!.flatness.batchSize,
      average: f.average,
      worst: f.worst
    },
    rng.fork('flatness').seed(),
    { signal: ctx.signal, onProgress: (value, detail) => report(0.2 + 0.8 * value, detail) }
  )
  return { recipe: task.params.recipe, whiteBox, flatness }
}
