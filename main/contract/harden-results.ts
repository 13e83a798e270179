/**
 * What a Harden step stores in the run record (`results.harden`): per recipe, its stand-in, natural
 * accuracy, white-box PGD robustness, transfer success of the audit's stacks and the flatness of its
 * robust loss, in ranking order, with the recommendation computed from them.
 */
import { z } from 'zod'
import { HARDEN_RECIPE_IDS } from './harden-spec'
import { EpochMetrics } from './job-events'
import { TransferCell } from './transfer-cell'

export const HardenRecipeResult = z.object({
  recipe: z.enum(HARDEN_RECIPE_IDS),
  label: z.string(),
  model: z.object({
    name: z.string(),
    arch: z.string(),
    width: z.number().int(),
    seed: z.number().int(),
    hash: z.string(),
    params: z.number().int(),
    trainSeconds: z.number(),
    passes: z.number().int().optional(),
    epochs: z.array(EpochMetrics),
    /** The SGD stand-in of a trained target is that target itself (same arch, width, seed and recipe). */
    reusedTarget: z.boolean().optional()
  }),
  /** Share of the whole test split classified correctly. */
  naturalAccuracy: z.number(),
  whiteBox: z.object({
    robustAccuracy: z.number(),
    robust: z.number().int(),
    examples: z.number().int()
  }),
  transfer: z.object({
    /** The (stack, surrogate) with the highest success rate on this stand-in: what an attacker would pick. */
    strongest: TransferCell,
    /** Mean success rate over every (stack, surrogate). */
    mean: z.number(),
    cells: z.array(TransferCell)
  }),
  flatness: z.object({
    robustLoss: z.number(),
    averageCase: z.number(),
    worstCase: z.number(),
    examples: z.number().int()
  }),
  ranking: z.object({
    rank: z.number().int(),
    /** transferReduction − accuracyWeight × accuracyCost, in points (0 for the baseline). */
    score: z.number(),
    /** Baseline's strongest transfer rate minus this recipe's (fraction; positive = fewer successes). */
    transferReduction: z.number(),
    /** Baseline's natural accuracy minus this recipe's (fraction; positive = less accurate). */
    accuracyCost: z.number(),
    /** 2 std of the reduction (rate-spread.ts). */
    spread: z.number(),
    /** Whether the reduction exceeds that spread. */
    significant: z.boolean()
  })
})
export type HardenRecipeResult = z.infer<typeof HardenRecipeResult>

export const HardenResults = z.object({
  target: z.object({
    /** The audit target hardened, absent when stand-ins of a bare architecture were trained. */
    name: z.string().optional(),
    arch: z.string(),
    width: z.number().int(),
    source: z.enum(['trained target', 'flatline file', 'architecture'])
  }),
  settings: z.object({
    adversarialTraining: z.object({
      eps: z.number(),
      steps: z.number().int(),
      stepSize: z.number(),
      randomStart: z.boolean()
    }),
    whiteBox: z.object({
      eps: z.number(),
      steps: z.number().int(),
      stepSize: z.number(),
      restarts: z.number().int(),
      examples: z.number().int()
    }),
    flatness: z.object({
      eps: z.number(),
      pgdSteps: z.number().int(),
      stepSize: z.number(),
      examples: z.number().int(),
      average: z.object({ xi: z.number(), samples: z.number().int() }),
      worst: z.object({
        xi: z.number(),
        steps: z.number().int(),
        weightStepSize: z.number(),
        restarts: z.number().int()
      })
    }),
    accuracyWeight: z.number()
  }),
  /** Test images every stand-in classified correctly: the transfer denominator, as in the audit. */
  evaluated: z.object({
    candidates: z.number().int(),
    allCorrect: z.number().int(),
    attacked: z.number().int()
  }),
  /** Best rank first; the baseline is the `sgd` row. */
  recipes: z.array(HardenRecipeResult),
  recommendation: z.object({
    /** The recommended recipe, absent when none beats the baseline beyond the spread. */
    recipe: z.enum(HARDEN_RECIPE_IDS).optional(),
    text: z.string(),
    /** The numbers the text rests on, one sentence each. */
    evidence: z.array(z.string())
  }),
  warnings: z.array(z.string()),
  seconds: z.number()
})
export type HardenResults = z.infer<typeof HardenResults>
