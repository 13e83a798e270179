/** Margin loss (Carlini & Wagner): target logit minus the best other logit, capped at κ. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'kappa',
    label: 'κ',
    kind: 'number',
    range: [0, 1000],
    unit: 'abs',
    hint: 'empty: no cap (+∞)',
    settled: 'margin-kappa'
  }
] as const

export const margin = defineTechnique({
  id: 'margin',
  short: 'Margin',
  name: 'Margin (CW) loss',
  family: 'objective',
  layer: 'objective',
  slot: 'objective',
  paper: {
    authors: 'Carlini & Wagner',
    title: 'Towards Evaluating the Robustness of Neural Networks',
    venue: 'IEEE S&P 2017',
    year: 2017,
    url: 'https://arxiv.org/abs/1608.04644'
  },
  paperSetting: 'κ = 0 for minimal distortion; larger κ for transfer',
  params,
  schema: paramsSchema('margin', params),
  cost: { kind: 'none' },
  requires: {},
  randomised: () => false,
  conflicts: {},
  targeted: 'allowed',
  norms: ['linf', 'l2']
})
