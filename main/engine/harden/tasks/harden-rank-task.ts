/**
 * Harden step, task 5 of 5: gathers every stand-in's training, accuracy, transfer cells and
 * measures, ranks the recipes (rank-recipes.ts) and writes the recommendation from the numbers
 * (recommendation.ts); its result becomes `results.harden` of the run record.
 */
import { adversarialTrainingOf, hardenWarnings, standInName } from '../../../contract/harden-spec'
import type { HardenResults } from '../../../contract/harden-results'
import type { TransferCell } from '../../../contract/run-record'
import { auditData } from '../../tasks/audit-data'
import type { AuditTask, TaskContext, TaskKindDefinition } from '../../tasks/audit-task'
import type { TrainResult } from '../../tasks/kinds/train-task'
import { formatGreyLevels } from '../../report/report-format'
import { measureSettings } from '../harden-settings'
import { rankRecipes, type UnrankedRecipe } from '../rank-recipes'
import { recommend } from '../recommendation'
import { hardenModels, standInBase } from '../stand-ins'
import { HARDEN_EVALUATE_TASK_ID, type HardenEvaluateResult } from './harden-evaluate-task'
import type { HardenAttackResult } from './harden-attack-task'
import type { HardenMeasureResult } from './harden-measure-task'
import type { HardenTrainResult } from './harden-train-task'

export const HARDEN_RANK_TASK_ID = 'harden-rank'

export const hardenRankTask: TaskKindDefinition<Record<string, never>, HardenResults> = {
  kind: 'harden-rank',
  shownAs: 'evaluate',
  plan(spec, earlier) {
    if (!spec.harden) return []
    const deps = earlier.filter((t) => t.kind.startsWith('harden-')).map((t) => t.id)
    const reused = hardenModels(spec, spec.harden).flatMap((m) =>
      m.reusedTarget ? [m.trainTask] : []
    )
    return [
      {
        id: HARDEN_RANK_TASK_ID,
        kind: 'harden-rank',
        label: 'Harden: rank the recipes',
        deps: [...reused, ...deps],
        seed: spec.seed,
        cost: 0,
        outputs: [],
        params: {}
      }
    ]
  },
  run: rank,
  collect([outcome], { results }) {
    if (outcome) results.harden = outcome.result
  }
}

async function rank(task: AuditTask, ctx: TaskContext): Promise<HardenResults> {
  const { spec, deps } = ctx.job
  const harden = spec.harden!
  const { test } = (await auditData(spec)).dataset
  const base = await standInBase(spec, harden)
  const results = Object.values(deps) as unknown[]
  const evaluated = deps[HARDEN_EVALUATE_TASK_ID] as HardenEvaluateResult
  const cells = results.flatMap(
    (r) => ((r as Partial<HardenAttackResult>).cells ?? []) as TransferCell[]
  )
  const measures = results.filter(
    (r): r is HardenMeasureResult => typeof r === 'object' && r !== null && 'flatness' in r
  )
  const rows: UnrankedRecipe[] = hardenModels(spec, harden).map((m) => {
    const trained = deps[m.trainTask] as HardenTrainResult | TrainResult
    const ownCells = cells
      .filter((c) => c.target === m.recipe)
      .map((c) => ({ ...c, target: standInName(m.recipe) }))
    const strongest = [...ownCells].sort((a, b) => b.successRate - a.successRate)[0]
    const measure = measures.find((x) => x.recipe === m.recipe)!
    const passes = trained.epochs.reduce((sum, e) => sum + (e.passes ?? 0), 0)
    return {
      recipe: m.recipe,
      label: m.label,
      model: {
        name: trained.name,
        arch: trained.arch,
        width: 'width' in trained ? trained.width : base.width,
        seed: 'seed' in trained ? trained.seed : base.seed,
        hash: trained.hash,
        params: trained.params,
        trainSeconds: trained.seconds,
        passes,
        epochs: trained.epochs,
        ...(m.reusedTarget ? { reusedTarget: true } : {})
      },
      naturalAccuracy: evaluated.accuracy[m.recipe] ?? 0,
      whiteBox: measure.whiteBox,
      transfer: {
        strongest,
        mean: ownCells.reduce((sum, c) => sum + c.successRate, 0) / ownCells.length,
        cells: ownCells
      },
      flatness: measure.flatness
    }
  })
  const ranked = rankRecipes(rows, harden.ranking.accuracyWeight)
  const settings = measureSettings(spec, harden, test.count)
  ctx.emit({
    kind: 'task-progress',
    taskId: task.id,
    value: 1,
    detail: `${ranked[0].label} ranks first`
  })
  return {
    target: base.target,
    settings: {
      ...settings,
      adversarialTraining: adversarialTrainingOf(harden),
      accuracyWeight: harden.ranking.accuracyWeight
    },
    evaluated: {
      candidates: evaluated.candidates,
      allCorrect: evaluated.allCorrect,
      attacked: evaluated.attacked.length
    },
    recipes: ranked,
    recommendation: recommend(
      ranked,
      base.target.name ?? `a ${base.arch} model`,
      harden.ranking.accuracyWeight,
      formatGreyLevels(settings.whiteBox.eps)
    ),
    warnings: hardenWarnings(harden, spec),
    seconds: 0
  }
}
