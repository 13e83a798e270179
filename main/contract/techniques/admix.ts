/** Admix: SI copies of z + η·x′ with add-ins x′ of other classes, gradient for the original label. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'eta',
    label: 'η',
    kind: 'number',
    default: 0.2,
    range: [0, 0.5],
    unit: 'abs',
    hint: 'share of the add-in image'
  },
  { key: 'scales', label: 'scales m₁', kind: 'int', default: 5, range: [1, 5], unit: 'count' },
  { key: 'mixes', label: 'add-ins m₂', kind: 'int', default: 3, range: [1, 5], unit: 'count' }
] as const

export const admix = defineTechnique({
  id: 'admix',
  short: 'Admix',
  name: 'Admix',
  family: 'input-transformation',
  layer: 'oracle-generator',
  slot: 'generator',
  paper: {
    authors: 'Wang et al.',
    title: 'Admix: Enhancing the Transferability of Adversarial Attacks',
    venue: 'ICCV 2021',
    year: 2021,
    url: 'https://arxiv.org/abs/2102.00436'
  },
  paperSetting: 'η = 0.2, m₁ = 5 scales × m₂ = 3 add-ins, MI μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('admix', params),
  cost: { kind: 'copies', value: (p) => p.scales * p.mixes },
  requires: { pool: 'labelled-clean' },
  randomised: (p) => p.eta > 0,
  conflicts: { si: 'Admix already averages over the SI scales (its m₁): set admix.scales instead' },
  norms: ['linf', 'l2']
})
