/** RAP: Reverse Adversarial Perturbation, the gradient taken at x + n where n lowers the loss. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'innerSteps',
    label: 'inner steps',
    kind: 'int',
    default: 5,
    range: [0, 100],
    unit: 'count'
  },
  { key: 'epsN', label: 'ε_n', kind: 'number', range: [0, 1], unit: 'abs', hint: 'empty: 0.75·ε' },
  {
    key: 'alphaN',
    label: 'α_n',
    kind: 'number',
    range: [0, 1],
    unit: 'abs',
    hint: 'empty: ε_n/inner steps'
  },
  {
    key: 'lateStart',
    label: 'late start t',
    kind: 'int',
    default: 10,
    range: [0, 10000],
    unit: 'count'
  },
  { key: 'randomInit', label: 'random inner init', kind: 'boolean', default: true }
] as const

export const rap = defineTechnique({
  id: 'rap',
  short: 'RAP',
  name: 'Reverse Adversarial Perturbation',
  family: 'gradient',
  layer: 'optimizer',
  paper: {
    authors: 'Qin et al.',
    title:
      'Boosting the Transferability of Adversarial Attacks with Reverse Adversarial Perturbation',
    venue: 'NeurIPS 2022',
    year: 2022,
    url: 'https://arxiv.org/abs/2210.05968'
  },
  paperSetting:
    'ε = 16/255, α = 2/255, K = 400, ε_n = 12/255, late start 100; Gubri et al. 2023: 5 inner steps, start at t = 10',
  params,
  schema: paramsSchema('rap', params),
  cost: { kind: 'extra', value: (p, t) => (t >= p.lateStart ? p.innerSteps : 0) },
  requires: {},
  randomised: (p) => p.randomInit && (p.epsN === undefined || p.epsN > 0),
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
