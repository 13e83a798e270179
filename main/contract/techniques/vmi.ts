/** VMI: the VT paper's VMI-FGSM, a preset that expands to VT + MI (no code of its own). */
import { defineTechnique, paramsSchema } from './technique-entry'
import { VT_PAPER, VT_PRESET_PARAMS as params } from './vt'

export const vmi = defineTechnique({
  id: 'vmi',
  short: 'VMI',
  name: 'Variance-tuned MI (preset)',
  family: 'gradient',
  layer: 'estimator',
  slot: 'estimator',
  paper: VT_PAPER,
  paperSetting: 'N = 20, β = 1.5, μ = 1.0, ε = 16/255, T = 10',
  params,
  schema: paramsSchema('vmi', params),
  expand: (p) => ({ vt: { samples: p.samples, beta: p.beta, mu: 0 }, mi: { mu: p.mu } }),
  cost: { kind: 'calls', value: (p) => 1 + p.samples },
  requires: {},
  randomised: (p) => p.samples > 0 && p.beta > 0,
  conflicts: {
    mi: 'VMI already sets MI: set vmi.mu instead',
    ni: 'VMI is VT + MI: use "vni" for VT + NI'
  },
  norms: ['linf', 'l2']
})
