/** FIA: Feature Importance-aware Attack, features weighted by aggregate gradients of pixel-dropped copies. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'layer',
    label: 'layer',
    kind: 'layer',
    default: 'auto',
    hint: 'auto: the block output nearest half depth'
  },
  { key: 'copies', label: 'copies N', kind: 'int', default: 30, range: [1, 50], unit: 'count' },
  {
    key: 'dropProb',
    label: 'drop p_d',
    kind: 'number',
    default: 0.3,
    range: [0, 0.5],
    unit: 'prob',
    settled: 'fia-drop'
  }
] as const

const oneModel = 'FIA’s importance weights belong to one model'
export const fia = defineTechnique({
  id: 'fia',
  short: 'FIA',
  name: 'Feature Importance-aware Attack',
  family: 'objective',
  layer: 'objective',
  slot: 'objective',
  paper: {
    authors: 'Wang et al.',
    title: 'Feature Importance-aware Transferable Adversarial Attacks',
    venue: 'ICCV 2021',
    year: 2021,
    url: 'https://arxiv.org/abs/2107.14185'
  },
  paperSetting:
    'N = 30 copies, p_d = 0.3 (normal targets), MI μ = 1.0, ε = 16/255, T = 10, a mid layer',
  params,
  schema: paramsSchema('fia', params),
  cost: { kind: 'per-batch', value: (p) => p.copies },
  requires: { features: true },
  randomised: (p) => p.dropProb > 0,
  conflicts: {
    sia: 'FIA’s importance maps are aligned with the clean image, and SIA’s block ops break the alignment',
    bsr: 'FIA’s importance maps are aligned with the clean image, and BSR’s shuffles break the alignment',
    ens: `${oneModel}: attack from one surrogate`,
    lgv: `${oneModel}: LGV switches models every iteration`
  },
  targeted: 'rejected',
  norms: ['linf']
})
