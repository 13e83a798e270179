/** SI: Scale-Invariant copies z/2^i, i < m. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  { key: 'copies', label: 'copies m', kind: 'int', default: 5, range: [1, 16], unit: 'count' }
] as const

export const si = defineTechnique({
  id: 'si',
  short: 'SI',
  name: 'Scale-Invariant copies',
  family: 'input-transformation',
  layer: 'oracle-generator',
  slot: 'generator',
  paper: {
    authors: 'Lin et al.',
    title: 'Nesterov Accelerated Gradient and Scale Invariance for Adversarial Attacks',
    venue: 'ICLR 2020',
    year: 2020,
    url: 'https://arxiv.org/abs/1908.06281'
  },
  paperSetting: 'm = 5 copies (with NI, μ = 1.0, ε = 16/255, T = 10)',
  params,
  schema: paramsSchema('si', params),
  cost: { kind: 'copies', value: (p) => p.copies },
  requires: {},
  randomised: () => false,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
