/** BSR: Block Shuffle and Rotation, n×n blocks shuffled and each turned by θ ~ U[−τ, τ], N copies. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'grid',
    label: 'blocks n',
    kind: 'int',
    default: 2,
    range: [1, 4],
    unit: 'count',
    paperValue: 2,
    settled: 'bsr-grid'
  },
  { key: 'copies', label: 'copies N', kind: 'int', default: 20, range: [1, 30], unit: 'count' },
  {
    key: 'maxAngle',
    label: 'τ (°)',
    kind: 'number',
    default: 24,
    range: [0, 45],
    unit: 'deg',
    settled: 'bsr-angle'
  }
] as const

export const bsr = defineTechnique({
  id: 'bsr',
  short: 'BSR',
  name: 'Block Shuffle and Rotation',
  family: 'input-transformation',
  layer: 'oracle-generator',
  slot: 'generator',
  paper: {
    authors: 'Wang et al.',
    title: 'Boosting Adversarial Transferability by Block Shuffle and Rotation',
    venue: 'CVPR 2024',
    year: 2024,
    url: 'https://arxiv.org/abs/2308.10299'
  },
  paperSetting: 'n = 2, N = 20, τ = 24°, MI-FGSM ε = 16/255, T = 10',
  params,
  schema: paramsSchema('bsr', params),
  cost: { kind: 'copies', value: (p) => p.copies },
  requires: {},
  randomised: (p) => p.grid > 1 || p.maxAngle > 0,
  conflicts: {},
  norms: ['linf', 'l2']
})
