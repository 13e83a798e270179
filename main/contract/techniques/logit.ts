/** Logit loss: maximise the target logit z_t (untargeted: −z_y) instead of cross-entropy. */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [] as const

export const logit = defineTechnique({
  id: 'logit',
  short: 'Logit',
  name: 'Logit loss',
  family: 'objective',
  layer: 'objective',
  slot: 'objective',
  paper: {
    authors: 'Zhao et al.',
    title: 'On Success and Simplicity: A Second Look at Transferable Targeted Attacks',
    venue: 'NeurIPS 2021',
    year: 2021,
    url: 'https://arxiv.org/abs/2012.11207'
  },
  paperSetting: 'targeted, ε = 16/255, α = 2/255, T = 300, with DI, TI (5×5) and MI μ = 1.0',
  params,
  schema: paramsSchema('logit', params),
  cost: { kind: 'none' },
  requires: {},
  randomised: () => false,
  conflicts: {},
  targeted: 'allowed',
  norms: ['linf', 'l2']
})
