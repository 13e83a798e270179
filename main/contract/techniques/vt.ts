/** VT: Variance Tuning, the gradient corrected by the neighbourhood variance of the previous step. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  { key: 'samples', label: 'samples N', kind: 'int', default: 20, range: [0, 100], unit: 'count' },
  {
    key: 'beta',
    label: 'β',
    kind: 'number',
    default: 1.5,
    range: [0, 10],
    unit: 'eps',
    hint: 'neighbourhood radius β·ε'
  },
  {
    key: 'mu',
    label: 'μ',
    kind: 'number',
    default: 0,
    range: [0, 10],
    unit: 'abs',
    hint: '0: the isolated Table 4 row'
  }
] as const

/** The VT paper, shared by VT and its VMI/VNI presets. */
export const VT_PAPER = {
  authors: 'Wang & He',
  title: 'Enhancing the Transferability of Adversarial Attacks through Variance Tuning',
  venue: 'CVPR 2021',
  year: 2021,
  url: 'https://arxiv.org/abs/2103.15571'
}

/** The presets' settings: VT's N and β, and the momentum μ of the MI or NI they add. */
export const VT_PRESET_PARAMS = [
  { key: 'samples', label: 'samples N', kind: 'int', default: 20, range: [0, 100], unit: 'count' },
  { key: 'beta', label: 'β', kind: 'number', default: 1.5, range: [0, 10], unit: 'eps' },
  { key: 'mu', label: 'μ', kind: 'number', default: 1, range: [0, 10], unit: 'abs' }
] as const

export const vt = defineTechnique({
  id: 'vt',
  short: 'VT',
  name: 'Variance Tuning',
  family: 'gradient',
  layer: 'estimator',
  slot: 'estimator',
  paper: VT_PAPER,
  paperSetting: 'N = 20, β = 1.5 (ε units), on MI/NI with μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('vt', params),
  cost: { kind: 'calls', value: (p) => 1 + p.samples },
  requires: {},
  randomised: (p) => p.samples > 0 && p.beta > 0,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
