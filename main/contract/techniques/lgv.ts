/**
 * LGV: one member of a weight collection per iteration, in a seeded order. `sources` maps a surrogate
 * name to its member model folders (saved with model-io); `collect` instead collects members in the
 * audit from each trained surrogate without a source, with LGV's recipe (constant LR 0.05, 4 members
 * per epoch over 10 epochs, batch 256; momentum 0.9, wd 1e-4).
 */
import { z } from 'zod'
import { defineTechnique } from './technique-entry'

export const LgvConfig = z.strictObject({
  sources: z
    .array(
      z.strictObject({
        surrogate: z.string().min(1),
        dirs: z.array(z.string().min(1)).min(1, 'an LGV source needs at least one member folder')
      })
    )
    .default([]),
  collect: z
    .strictObject({
      epochs: z.number().int().min(1).max(100).default(10),
      perEpoch: z.number().int().min(1).max(64).default(4),
      lr: z.number().positive().max(10).default(0.05),
      batchSize: z.number().int().positive().max(4096).default(256)
    })
    .optional(),
  nGrad: z
    .number()
    .int('lgv.nGrad must be a whole number in [1, 64]')
    .min(1, 'lgv.nGrad must be ≥ 1: its range is [1, 64]')
    .max(64, 'lgv.nGrad must be ≤ 64: its range is [1, 64]')
    .default(1)
})

export const lgv = defineTechnique({
  id: 'lgv',
  short: 'LGV',
  name: 'Large Geometric Vicinity',
  family: 'model-related',
  layer: 'model',
  paper: {
    authors: 'Gubri et al.',
    title: 'LGV: Boosting Adversarial Example Transferability from Large Geometric Vicinity',
    venue: 'ECCV 2022',
    year: 2022,
    url: 'https://arxiv.org/abs/2207.13129'
  },
  paperSetting:
    'K = 40 members (4 per epoch × 10 epochs at constant LR 0.05), one member per iteration',
  params: [
    {
      key: 'nGrad',
      label: 'members per iteration',
      kind: 'int',
      default: 1,
      range: [1, 64],
      unit: 'count',
      hint: 'n_grad'
    }
  ],
  schema: LgvConfig,
  cost: { kind: 'members', value: (p) => p.nGrad },
  requires: {},
  randomised: () => true,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
