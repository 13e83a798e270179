/** EMI: Enhanced Momentum, the gradient averaged along the previous average-gradient direction. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  { key: 'samples', label: 'samples N', kind: 'int', default: 11, range: [1, 21], unit: 'count' },
  {
    key: 'radius',
    label: 'η',
    kind: 'number',
    default: 7,
    range: [0, 10],
    unit: 'alpha',
    hint: 'samples at x + c·α·d, c ∈ [−η, η]',
    settled: 'emi-radius'
  },
  {
    key: 'sampling',
    label: 'sampling',
    kind: 'enum',
    default: 'linear',
    options: ['linear', 'uniform', 'gaussian']
  },
  {
    key: 'mu',
    label: 'μ',
    kind: 'number',
    default: 1,
    range: [0, 10],
    unit: 'abs',
    hint: 'built-in momentum'
  }
] as const

const momentum = 'EMI has its own momentum (emi.mu)'
export const emi = defineTechnique({
  id: 'emi',
  short: 'EMI',
  name: 'Enhanced Momentum',
  family: 'gradient',
  layer: 'estimator',
  slot: 'estimator',
  paper: {
    authors: 'Wang et al.',
    title: 'Boosting Adversarial Transferability through Enhanced Momentum',
    venue: 'BMVC 2021',
    year: 2021,
    url: 'https://arxiv.org/abs/2103.10609'
  },
  paperSetting: 'N = 11 linear samples, η = 7, μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('emi', params),
  cost: { kind: 'calls', value: (p) => p.samples },
  requires: {},
  randomised: (p) => p.sampling !== 'linear' && p.radius > 0,
  conflicts: {
    mi: `${momentum}: remove "mi" and set emi.mu`,
    ni: 'no paper defines where NI’s look-ahead goes in EMI',
    rap: 'two nested neighbourhood searches (EMI samples, RAP’s inner loop) are not defined by any paper'
  },
  norms: ['linf']
})
