/** VNI: the VT paper's VNI-FGSM, a preset that expands to VT + NI (no code of its own). */
import { defineTechnique, paramsSchema } from './technique-entry'
import { VT_PAPER, VT_PRESET_PARAMS as params } from './vt'

export const vni = defineTechnique({
  id: 'vni',
  short: 'VNI',
  name: 'Variance-tuned NI (preset)',
  family: 'gradient',
  layer: 'estimator',
  slot: 'estimator',
  paper: VT_PAPER,
  paperSetting: 'N = 20, β = 1.5, μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('vni', params),
  expand: (p) => ({ vt: { samples: p.samples, beta: p.beta, mu: 0 }, ni: { mu: p.mu } }),
  cost: { kind: 'calls', value: (p) => 1 + p.samples },
  requires: {},
  randomised: (p) => p.samples > 0 && p.beta > 0,
  conflicts: {
    ni: 'VNI already sets NI: set vni.mu instead',
    mi: 'VNI is VT + NI, and NI would override MI’s μ: remove "mi"'
  },
  norms: ['linf', 'l2']
})
