/** SGM: Skip Gradient Method, residual-branch gradient × γ in identity-shortcut blocks. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'gamma',
    label: 'γ',
    kind: 'number',
    default: 0.2,
    range: [0, 1],
    unit: 'abs',
    hint: 'residual gradient scale; 1 is off'
  }
] as const

export const sgm = defineTechnique({
  id: 'sgm',
  short: 'SGM',
  name: 'Skip Gradient Method',
  family: 'model-related',
  layer: 'model',
  paper: {
    authors: 'Wu et al.',
    title:
      'Skip Connections Matter: On the Transferability of Adversarial Examples Generated with ResNets',
    venue: 'ICLR 2020',
    year: 2020,
    url: 'https://arxiv.org/abs/2002.05990'
  },
  paperSetting: 'γ = 0.2 for ResNets, 0.5 for DenseNets (iterative attacks)',
  params,
  schema: paramsSchema('sgm', params),
  cost: { kind: 'none' },
  requires: { skips: 'identity-residual' },
  randomised: () => false,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
