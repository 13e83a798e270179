/** CWA: Common Weakness Attack, a SAM-like reverse step then member-by-member L2 steps, per iteration. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'r',
    label: 'reverse step r',
    kind: 'number',
    default: 1 / 15,
    range: [0, 1],
    unit: 'eps',
    hint: 'in ε units (ε/15)',
    settled: 'cwa-values'
  },
  {
    key: 'beta',
    label: 'inner step β',
    kind: 'number',
    default: 250,
    range: [0, 1000],
    unit: 'abs'
  },
  {
    key: 'outerStep',
    label: 'outer step',
    kind: 'number',
    default: 2,
    range: [0, 10],
    unit: 'eps/T',
    hint: 'in ε/T units (2ε/T)'
  },
  { key: 'mu', label: 'μ', kind: 'number', default: 1, range: [0, 10], unit: 'abs' },
  { key: 'muInner', label: 'μ inner', kind: 'number', default: 1, range: [0, 10], unit: 'abs' }
] as const

const owner = 'CWA runs its own loop'
export const cwa = defineTechnique({
  id: 'cwa',
  short: 'CWA',
  name: 'Common Weakness Attack',
  family: 'ensemble',
  layer: 'loop-owner',
  slot: 'loop',
  paper: {
    authors: 'Chen et al.',
    title: 'Rethinking Model Ensemble in Transfer-based Adversarial Attacks',
    venue: 'ICLR 2024',
    year: 2024,
    url: 'https://arxiv.org/abs/2303.09105'
  },
  paperSetting: 'release: r = 16/255/15, β = 250, outer step 16/255/5, μ = 1, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('cwa', params),
  cost: { kind: 'loop', value: (_p, copies, members) => 2 * members * copies },
  requires: { ensemble: true },
  randomised: () => false,
  conflicts: {
    mi: `${owner} with its own momentum (cwa.mu): remove "mi"`,
    ni: `${owner}: NI's look-ahead has no place in it`,
    rap: `${owner}: RAP's inner loop has no place in it`,
    vt: `${owner}: only DI may be added`,
    vmi: `${owner}: only DI may be added`,
    vni: `${owner}: only DI may be added`,
    emi: `${owner}: only DI may be added`,
    pgn: `${owner}: only DI may be added`,
    gra: `${owner}: only DI may be added`,
    ti: `${owner}: only DI may be added`,
    si: `${owner}: only DI may be added`,
    admix: `${owner}: only DI may be added`,
    sia: `${owner}: only DI may be added`,
    bsr: `${owner}: only DI may be added`,
    lgv: 'LGV already is a sequential ensemble',
    ila: 'ILA’s feature layer belongs to one model',
    fia: 'FIA’s importance weights belong to one model'
  },
  norms: ['linf']
})
