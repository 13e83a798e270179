/** SIA: Structure Invariant Attack, a random simple op per block of an s×s grid, N copies. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'grid',
    label: 'grid s',
    kind: 'int',
    range: [1, 4],
    unit: 'count',
    hint: 'empty: 2 up to 32 px images, else 3',
    paperValue: 3,
    settled: 'sia-grid'
  },
  { key: 'copies', label: 'copies N', kind: 'int', default: 20, range: [1, 30], unit: 'count' }
] as const

export const sia = defineTechnique({
  id: 'sia',
  short: 'SIA',
  name: 'Structure Invariant Attack',
  family: 'input-transformation',
  layer: 'oracle-generator',
  slot: 'generator',
  paper: {
    authors: 'Wang et al.',
    title: 'Structure Invariant Transformation for better Adversarial Transferability',
    venue: 'ICCV 2023',
    year: 2023,
    url: 'https://arxiv.org/abs/2309.14700'
  },
  paperSetting: 's = 3, N = 20, ten block ops, MI-FGSM ε = 16/255, T = 10',
  params,
  schema: paramsSchema('sia', params),
  cost: { kind: 'copies', value: (p) => p.copies },
  requires: {},
  randomised: () => true,
  conflicts: {},
  norms: ['linf', 'l2']
})
