/** PGN: Penalizing Gradient Norm, neighbour and descent-step gradients mixed to reach flat maxima. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  { key: 'samples', label: 'samples N', kind: 'int', default: 20, range: [1, 30], unit: 'count' },
  {
    key: 'delta',
    label: 'δ',
    kind: 'number',
    default: 0.5,
    range: [0, 1],
    unit: 'abs',
    hint: 'weight of the look-ahead gradient'
  },
  {
    key: 'zeta',
    label: 'ζ',
    kind: 'number',
    default: 3,
    range: [0, 5],
    unit: 'eps',
    hint: 'neighbourhood radius ζ·ε'
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

export const pgn = defineTechnique({
  id: 'pgn',
  short: 'PGN',
  name: 'Penalizing Gradient Norm',
  family: 'gradient',
  layer: 'estimator',
  slot: 'estimator',
  paper: {
    authors: 'Ge et al.',
    title: 'Boosting Adversarial Transferability by Achieving Flat Local Maxima',
    venue: 'NeurIPS 2023',
    year: 2023,
    url: 'https://arxiv.org/abs/2306.05225'
  },
  paperSetting: 'N = 20, δ = 0.5, ζ = 3.0·ε, μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('pgn', params),
  cost: { kind: 'calls', value: (p) => 2 * p.samples },
  requires: {},
  randomised: (p) => p.zeta > 0,
  conflicts: {
    mi: 'PGN has its own momentum (pgn.mu): remove "mi"',
    ni: 'no paper defines where NI’s look-ahead goes in PGN',
    rap: 'two nested neighbourhood searches (PGN, RAP) are not defined by any paper'
  },
  norms: ['linf']
})
