/** SVRE: Stochastic Variance Reduced Ensemble, an inner loop over random members with a control variate. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'innerSteps',
    label: 'inner steps M',
    kind: 'int',
    range: [1, 256],
    unit: 'count',
    hint: 'empty: 4K'
  },
  { key: 'beta', label: 'inner step β', kind: 'number', default: 1, range: [0, 10], unit: 'alpha' },
  {
    key: 'mu',
    label: 'μ',
    kind: 'number',
    default: 1,
    range: [0, 10],
    unit: 'abs',
    hint: 'outer momentum'
  },
  { key: 'muInner', label: 'μ inner', kind: 'number', default: 1, range: [0, 10], unit: 'abs' }
] as const

const owner = 'SVRE runs its own loop'
export const svre = defineTechnique({
  id: 'svre',
  short: 'SVRE',
  name: 'Stochastic Variance Reduced Ensemble',
  family: 'ensemble',
  layer: 'loop-owner',
  slot: 'loop',
  paper: {
    authors: 'Xiong et al.',
    title:
      'Stochastic Variance Reduced Ensemble Adversarial Attack for Boosting the Adversarial Transferability',
    venue: 'CVPR 2022',
    year: 2022,
    url: 'https://arxiv.org/abs/2111.10752'
  },
  paperSetting:
    'K = 4, M = 16, β = α, μ = μ_in = 1.0, ε = 16/255, T = 10, logit-fused ensemble gradient',
  params,
  schema: paramsSchema('svre', params),
  cost: {
    kind: 'loop',
    value: (p, copies, members) => (members + 2 * (p.innerSteps ?? 4 * members)) * copies
  },
  requires: { ensemble: true },
  randomised: () => true,
  conflicts: {
    mi: `${owner} with its own momentum (svre.mu): remove "mi"`,
    ni: `${owner}: NI's look-ahead has no place in it`,
    rap: `${owner}: RAP's inner loop has no place in it`,
    vt: `${owner}: VT's estimator has no place in it`,
    vmi: `${owner}: VT's estimator has no place in it`,
    vni: `${owner}: VT's estimator has no place in it`,
    emi: `${owner}: EMI's estimator has no place in it`,
    pgn: `${owner}: PGN's estimator has no place in it`,
    gra: `${owner}: GRA's estimator has no place in it`,
    lgv: 'LGV already is a sequential ensemble',
    ila: 'ILA’s feature layer belongs to one model',
    fia: 'FIA’s importance weights belong to one model'
  },
  norms: ['linf']
})
