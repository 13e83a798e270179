/** DI: Diverse Inputs, torchattacks' shrink-and-pad variant (r = 0.85, p = 0.8 in Gubri et al. 2023). */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'resizeRate',
    label: 'resize rate',
    kind: 'number',
    default: 0.85,
    range: [0, 1],
    open: 'both',
    unit: 'abs',
    hint: 'shrink to ⌊rS⌋…S−1, pad back'
  },
  { key: 'prob', label: 'probability', kind: 'number', default: 0.8, range: [0, 1], unit: 'prob' }
] as const

export const di = defineTechnique({
  id: 'di',
  short: 'DI',
  name: 'Diverse Inputs',
  family: 'input-transformation',
  layer: 'oracle-transform',
  paper: {
    authors: 'Xie et al.',
    title: 'Improving Transferability of Adversarial Examples with Input Diversity',
    venue: 'CVPR 2019',
    year: 2019,
    url: 'https://arxiv.org/abs/1803.06978'
  },
  paperSetting:
    'Inc-v3: enlarge 299 → [299, 330), pad to 330, p = 0.5; Gubri et al. 2023: shrink r = 0.85, p = 0.8',
  params,
  schema: paramsSchema('di', params),
  cost: { kind: 'none' },
  requires: {},
  randomised: (p) => p.prob > 0,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
