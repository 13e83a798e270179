/** The fixture run with a Harden step whose rows are given, ranked and recommended by the real engine functions. */
import type { HardenRecipeId } from '../../../main/contract/harden-spec'
import { HARDEN_RECIPES } from '../../../main/contract/harden-spec'
import type { HardenResults } from '../../../main/contract/harden-results'
import { RunRecord } from '../../../main/contract/run-record'
import fixture from '../../fixtures/run-record.json'
import { rankRecipes, type UnrankedRecipe } from '../../../main/engine/harden/rank-recipes'
import { recommend } from '../../../main/engine/harden/recommendation'

export const fixtureRun = (): RunRecord => RunRecord.parse(structuredClone(fixture))

/** [recipe, natural accuracy, fooled of 400, white-box robust of 500, worst-case flatness] */
export type HardenRow = [HardenRecipeId, number, number, number, number]

export function hardenRow([recipe, accuracy, fooled, robust, worst]: HardenRow): UnrankedRecipe {
  const cell = {
    attack: 'BIM',
    surrogate: 'surrogate-cnn',
    target: `harden-${recipe}`,
    successRate: fooled / 400,
    fooled,
    attacked: 400,
    repeats: 1,
    mean: fooled / 400,
    std: 0
  }
  return {
    recipe,
    label: HARDEN_RECIPES[recipe].label,
    model: {
      name: `harden-${recipe}`,
      arch: 'small-cnn',
      width: 24,
      seed: 22,
      hash: `${recipe.length}`.repeat(64),
      params: 12345,
      trainSeconds: 60,
      passes: 500,
      epochs: [],
      ...(recipe === 'sgd' ? { reusedTarget: true } : {})
    },
    naturalAccuracy: accuracy,
    whiteBox: { robustAccuracy: robust / 500, robust, examples: 500 },
    transfer: { strongest: cell, mean: cell.successRate, cells: [cell] },
    flatness: { robustLoss: 2.5, averageCase: worst / 3, worstCase: worst, examples: 200 }
  }
}

export const DEFAULT_HARDEN_ROWS: HardenRow[] = [
  ['sgd', 0.86, 190, 20, 1.2],
  ['sam-0.05', 0.865, 170, 35, 0.9],
  ['sam-0.1', 0.862, 150, 60, 0.7],
  ['pgd-at', 0.78, 40, 240, 0.3],
  ['sam-at', 0.8, 35, 250, 0.25]
]

export function hardenResults(
  rows: HardenRow[] = DEFAULT_HARDEN_ROWS,
  warnings: string[] = []
): HardenResults {
  const ranked = rankRecipes(rows.map(hardenRow), 1)
  return {
    target: { name: 'target-cnn', arch: 'small-cnn', width: 24, source: 'trained target' },
    settings: {
      adversarialTraining: { eps: 8 / 255, steps: 7, stepSize: 0.007, randomStart: true },
      whiteBox: { eps: 16 / 255, steps: 20, stepSize: 0.014, restarts: 1, examples: 500 },
      flatness: {
        eps: 16 / 255,
        pgdSteps: 10,
        stepSize: 0.014,
        examples: 200,
        average: { xi: 0.5, samples: 5 },
        worst: { xi: 0.003, steps: 10, weightStepSize: 0.01, restarts: 3 }
      },
      accuracyWeight: 1
    },
    evaluated: { candidates: 1000, allCorrect: 612, attacked: 400 },
    recipes: ranked,
    recommendation: recommend(ranked, 'target-cnn', 1, '16/255'),
    warnings,
    seconds: 1200
  }
}

export function runWithHarden(harden: HardenResults = hardenResults()): RunRecord {
  const run = fixtureRun()
  run.results!.harden = harden
  return run
}
