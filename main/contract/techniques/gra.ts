/** GRA: Gradient Relevance Attack, cosine-weighted neighbourhood gradient and per-pixel step decay. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  { key: 'samples', label: 'samples N', kind: 'int', default: 20, range: [1, 30], unit: 'count' },
  {
    key: 'beta',
    label: 'β',
    kind: 'number',
    default: 3.5,
    range: [0, 5],
    unit: 'eps',
    hint: 'neighbourhood radius β·ε'
  },
  {
    key: 'eta',
    label: 'η',
    kind: 'number',
    default: 0.94,
    range: [0, 1],
    open: 'min',
    unit: 'abs',
    hint: 'step decay on sign flips'
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

export const gra = defineTechnique({
  id: 'gra',
  short: 'GRA',
  name: 'Gradient Relevance Attack',
  family: 'gradient',
  layer: 'estimator',
  slot: 'estimator',
  paper: {
    authors: 'Zhu et al.',
    title: 'Boosting Adversarial Transferability via Gradient Relevance Attack',
    venue: 'ICCV 2023',
    year: 2023,
    url: 'https://openaccess.thecvf.com/content/ICCV2023/html/Zhu_Boosting_Adversarial_Transferability_via_Gradient_Relevance_Attack_ICCV_2023_paper.html'
  },
  paperSetting: 'N = 20, β = 3.5, η = 0.94, μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('gra', params),
  cost: { kind: 'calls', value: (p) => 1 + p.samples },
  requires: {},
  randomised: (p) => p.beta > 0,
  conflicts: {
    mi: 'GRA has its own momentum (gra.mu): remove "mi"',
    ni: 'no paper defines where NI’s look-ahead goes in GRA',
    rap: 'two nested neighbourhood searches (GRA, RAP) are not defined by any paper'
  },
  norms: ['linf']
})
