/**
 * ILA: Intermediate Level Attack. Stage 1 runs the rest of the stack for T₁ steps; stage 2 restarts
 * from x0 and pushes the feature shift h_l(x) − h_l(x0) along the one stage 1 found, for T − T₁ steps.
 */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'layer',
    label: 'layer',
    kind: 'layer',
    default: 'auto',
    hint: 'auto: the block output nearest half depth'
  },
  {
    key: 'stage1Steps',
    label: 'stage-1 steps T₁',
    kind: 'int',
    range: [1, 10000],
    unit: 'count',
    hint: 'empty: T/2'
  },
  {
    key: 'alpha2',
    label: 'stage-2 step α₂',
    kind: 'number',
    default: 0.2,
    range: [0.05, 1],
    unit: 'eps',
    hint: 'in ε units: 0.2 is ε/5',
    settled: 'ila-scale'
  }
] as const

const oneModel = 'ILA’s feature layer belongs to one model'
export const ila = defineTechnique({
  id: 'ila',
  short: 'ILA',
  name: 'Intermediate Level Attack',
  family: 'objective',
  layer: 'pipeline',
  paper: {
    authors: 'Huang et al.',
    title: 'Enhancing Adversarial Example Transferability with an Intermediate Level Attack',
    venue: 'ICCV 2019',
    year: 2019,
    url: 'https://arxiv.org/abs/1907.10823'
  },
  paperSetting:
    'I-FGSM baseline 10 steps, then 10 ILA steps on a mid layer (ResNet-18 layer3 output), CIFAR-10 ε = 0.03',
  params,
  schema: paramsSchema('ila', params),
  cost: {
    kind: 'pipeline',
    stage1Steps: (p, steps) => Math.min(steps, p.stage1Steps ?? Math.ceil(steps / 2))
  },
  requires: { features: true },
  randomised: () => false,
  conflicts: {
    ens: `${oneModel}: attack from one surrogate`,
    lgv: `${oneModel}: LGV switches models every iteration`
  },
  norms: ['linf']
})
