/** GN: Ghost Networks, skip-connection erosion λ ~ U[1−r, 1+r] per channel per forward pass. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'range',
    label: 'erosion r',
    kind: 'number',
    default: 0.22,
    range: [0, 1],
    unit: 'abs',
    hint: 'λ ~ U[1−r, 1+r]',
    paperValue: 0.22
  }
] as const

export const gn = defineTechnique({
  id: 'gn',
  short: 'GN',
  name: 'Ghost Networks',
  family: 'model-related',
  layer: 'model',
  paper: {
    authors: 'Li et al.',
    title: 'Learning Transferable Adversarial Examples via Ghost Networks',
    venue: 'AAAI 2020',
    year: 2020,
    url: 'https://arxiv.org/abs/1812.03413'
  },
  paperSetting: 'skip erosion r = 0.22 on ResNet-50 (recovered from the LGV code, attacks.md §11)',
  params,
  schema: paramsSchema('gn', params),
  cost: { kind: 'none' },
  requires: { skips: 'shortcut' },
  randomised: (p) => p.range > 0,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
