import { describe, expect, it } from 'vitest'
import type { HardenRecipeId } from '../../../../main/contract/harden-spec'
import { rankRecipes, type UnrankedRecipe } from '../../../../main/engine/harden/rank-recipes'
import { recommend } from '../../../../main/engine/harden/recommendation'

/** A measured recipe: natural accuracy, strongest transfer fooled/attacked, flatness worst-case. */
function row(
  recipe: HardenRecipeId,
  label: string,
  accuracy: number,
  fooled: number,
  worst = 1
): UnrankedRecipe {
  const cell = {
    attack: 'BIM',
    surrogate: 'sur',
    target: `harden-${recipe}`,
    successRate: fooled / 400,
    fooled,
    attacked: 400,
    repeats: 1
  }
  return {
    recipe,
    label,
    model: {
      name: `harden-${recipe}`,
      arch: 'small-cnn',
      width: 8,
      seed: 1,
      hash: 'h',
      params: 10,
      trainSeconds: 1,
      epochs: []
    },
    naturalAccuracy: accuracy,
    whiteBox: { robustAccuracy: 0.1, robust: 20, examples: 200 },
    transfer: { strongest: cell, mean: cell.successRate, cells: [cell] },
    flatness: { robustLoss: 2, averageCase: worst / 2, worstCase: worst, examples: 200 }
  }
}

describe('rankRecipes', () => {
  it('ranks by transfer reduction minus weighted accuracy cost, and calls a reduction significant beyond 2 std', () => {
    const rows = [
      row('sgd', 'SGD', 0.9, 200),
      row('sam-0.05', 'SAM', 0.9, 190),
      row('pgd-at', 'AT', 0.8, 40),
      row('sam-0.1', 'SAM 0.1', 0.91, 150)
    ]
    const ranked = rankRecipes(rows, 1)
    expect(ranked.map((r) => r.recipe)).toEqual(['pgd-at', 'sam-0.1', 'sam-0.05', 'sgd'])
    const at = ranked[0].ranking
    expect(at.transferReduction).toBeCloseTo(0.4, 10)
    expect(at.accuracyCost).toBeCloseTo(0.1, 10)
    expect(at.score).toBeCloseTo(30, 10)
    expect(at.significant).toBe(true)
    // 10 of 400 fewer is inside 2 binomial standard errors (≈ 7 points): not significant.
    expect(ranked.find((r) => r.recipe === 'sam-0.05')!.ranking.significant).toBe(false)
    // A heavy accuracy weight turns the order around.
    expect(rankRecipes(rows, 5)[0].recipe).toBe('sam-0.1')
  })
})

describe('recommend', () => {
  it('names the winner with the numbers it rests on, the stronger but costlier option, and its evidence', () => {
    const ranked = rankRecipes(
      [
        row('sgd', 'SGD', 0.9, 200),
        row('sam-0.1', 'SAM ρ 0.1', 0.91, 150, 0.5),
        row('pgd-at', 'PGD adversarial training', 0.55, 20)
      ],
      1
    )
    const r = recommend(ranked, 'target-cnn', 1, '16/255')
    expect(r.recipe).toBe('sam-0.1')
    expect(r.text).toContain('Train target-cnn with SAM ρ 0.1')
    expect(r.text).toContain('from 50.0 % with SGD to 37.5 % (150 of 400 images)')
    expect(r.text).toContain(
      'PGD adversarial training cuts transfer more (45.0 points) but reaches a natural accuracy of 55.0 % against 91.0 %'
    )
    expect(r.text).toContain('while natural accuracy rises by 1.0 points (90.0 % → 91.0 %)')
    expect(r.text).toContain('flatter')
    expect(r.evidence).toHaveLength(6)
    expect(r.evidence.join('\n')).toContain('score 13.5, rank 1')
  })

  it('says plainly when nothing beats the baseline beyond the spread', () => {
    const r = recommend(
      rankRecipes([row('sgd', 'SGD', 0.9, 200), row('sam-0.05', 'SAM ρ 0.05', 0.9, 196)], 1),
      'm',
      1,
      '8/255'
    )
    expect(r.recipe).toBeUndefined()
    expect(r.text).toMatch(/^No recipe lowers transfer to m beyond the ± 2 std spread/)
    expect(r.text).toContain('1.0 points')
    expect(r.text).toContain('(spread 7.1 points) with natural accuracy unchanged.')
    const risen = recommend(
      rankRecipes([row('sgd', 'SGD', 0.9, 200), row('sam-0.05', 'SAM ρ 0.05', 0.95, 196)], 1),
      'm',
      1,
      '8/255'
    )
    expect(risen.text).toContain('while natural accuracy rises by 5.0 points.')
  })

  it('says differences in words or with a real minus sign, never an ASCII hyphen before a number', () => {
    // SAM raises transfer (a negative reduction), loses accuracy (a negative score) and has a
    // negative average-case flatness: every signed figure of the text and its evidence.
    const worse = row('sam-0.05', 'SAM ρ 0.05', 0.88, 208, -0.024)
    const r = recommend(rankRecipes([row('sgd', 'SGD', 0.9, 200), worse], 1), 'm', 1, '8/255')
    const all = [r.text, ...r.evidence].join('\n')
    expect(all).not.toMatch(/-\d/)
    expect(r.text).toContain(
      "none lowers it at all; the closest, SAM ρ 0.05, leaves transfer 2.0 points higher than SGD's (spread 7.1 points) for an accuracy cost of 2.0 points."
    )
    expect(r.evidence[1]).toContain(
      "transfer 2.0 points higher than SGD's, within the ± 7.1-point spread (within noise); natural accuracy 2.0 points lower than SGD's; score −4.0, rank 2."
    )
    expect(r.evidence.at(-1)).toContain('flatness average-case −0.012, worst-case −0.024.')
    const same = recommend(
      rankRecipes([row('sgd', 'SGD', 0.9, 200), row('sam-0.1', 'SAM ρ 0.1', 0.9, 200)], 1),
      'm',
      1,
      '8/255'
    )
    expect(same.evidence[1]).toContain(
      "transfer the same as SGD's, within the ± 7.1-point spread (within noise); natural accuracy the same as SGD's; score 0.0"
    )
  })
})
