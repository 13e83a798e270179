/** Ens: several surrogates attacked as one, by fusing their logits, probabilities or losses. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'members',
    label: 'members',
    kind: 'surrogates',
    min: 2,
    hint: 'audit surrogates attacked as one'
  },
  {
    key: 'fusion',
    label: 'fusion',
    kind: 'enum',
    default: 'logits',
    options: ['logits', 'probs', 'loss'],
    settled: 'ens-fusion'
  },
  { key: 'weights', label: 'weights', kind: 'weights', hint: 'empty: 1/K each; renormalised' }
] as const

export const ens = defineTechnique({
  id: 'ens',
  short: 'Ens',
  name: 'Surrogate ensemble',
  family: 'ensemble',
  layer: 'model',
  paper: {
    authors: 'Liu et al.; Dong et al.',
    title:
      'Delving into Transferable Adversarial Examples and Black-box Attacks (ICLR 2017); Boosting Adversarial Attacks with Momentum (CVPR 2018)',
    venue: 'ICLR 2017; CVPR 2018',
    year: 2017,
    url: 'https://arxiv.org/abs/1611.02770'
  },
  paperSetting: 'Dong et al.: logit fusion, equal weights, MI μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('ens', params),
  cost: { kind: 'members', value: (p) => p.members.length },
  requires: { members: { min: 2 } },
  randomised: () => false,
  conflicts: { lgv: 'LGV already is a sequential ensemble: pass LGV snapshots as members instead' },
  norms: ['linf', 'l2']
})
