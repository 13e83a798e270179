/** NI: Nesterov look-ahead x + α·μ·m for the gradient, then MI's accumulation. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'mu',
    label: 'μ',
    kind: 'number',
    default: 0.6,
    range: [0, 10],
    unit: 'abs',
    paperValue: 1.0,
    hint: '0.6 in Gubri et al. 2023; takes precedence over MI'
  }
] as const

export const ni = defineTechnique({
  id: 'ni',
  short: 'NI',
  name: 'Nesterov momentum',
  family: 'gradient',
  layer: 'optimizer',
  paper: {
    authors: 'Lin et al.',
    title: 'Nesterov Accelerated Gradient and Scale Invariance for Adversarial Attacks',
    venue: 'ICLR 2020',
    year: 2020,
    url: 'https://arxiv.org/abs/1908.06281'
  },
  paperSetting: 'μ = 1.0, ε = 16/255, T = 10; Gubri et al. 2023 use μ = 0.6',
  params,
  schema: paramsSchema('ni', params),
  cost: { kind: 'none' },
  requires: {},
  randomised: () => false,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
