/** MI: Momentum Iterative attack, m ← μ·m + g/meanAbs(g). */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'mu',
    label: 'μ',
    kind: 'number',
    default: 1.2,
    range: [0, 10],
    unit: 'abs',
    paperValue: 1.0,
    hint: '1.2 in Gubri et al. 2023'
  }
] as const

export const mi = defineTechnique({
  id: 'mi',
  short: 'MI',
  name: 'Momentum',
  family: 'gradient',
  layer: 'optimizer',
  paper: {
    authors: 'Dong et al.',
    title: 'Boosting Adversarial Attacks with Momentum',
    venue: 'CVPR 2018',
    year: 2018,
    url: 'https://arxiv.org/abs/1710.06081'
  },
  paperSetting: 'μ = 1.0, ε = 16/255, T = 10; Gubri et al. 2023 use μ = 1.2',
  params,
  schema: paramsSchema('mi', params),
  cost: { kind: 'none' },
  requires: {},
  randomised: () => false,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
