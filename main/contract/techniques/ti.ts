/**
 * TI: Translation-Invariant attack, the gradient smoothed by a (2k+1)² kernel before normalisation.
 * σ is in pixels: the release's 15×15 kernel (σ = k/3 = 7/3 px) is for 299-px images; on 28–32 px
 * images the app uses σ = 0.5 px, k = 1 (attacks-more.md §2.1; how it was settled: docs/techniques.md).
 */
import { defineTechnique, paramsSchema } from './technique-entry'

const params = [
  {
    key: 'sigma',
    label: 'σ (px)',
    kind: 'number',
    range: [0.1, 10],
    unit: 'px',
    hint: 'empty: 0.5 (images ≤ 64 px), else 7/3',
    paperValue: '7/3',
    settled: 'ti-sigma'
  },
  {
    key: 'radius',
    label: 'radius k',
    kind: 'int',
    range: [0, 15],
    unit: 'px',
    hint: 'empty: ⌊3σ⌋; 0 turns TI off'
  },
  {
    key: 'kernel',
    label: 'kernel',
    kind: 'enum',
    default: 'gaussian',
    options: ['gaussian', 'uniform', 'linear']
  }
] as const

export const ti = defineTechnique({
  id: 'ti',
  short: 'TI',
  name: 'Translation-Invariant smoothing',
  family: 'input-transformation',
  layer: 'gradient-filter',
  paper: {
    authors: 'Dong et al.',
    title: 'Evading Defenses to Transferable Adversarial Examples by Translation-Invariant Attacks',
    venue: 'CVPR 2019',
    year: 2019,
    url: 'https://arxiv.org/abs/1904.02884'
  },
  paperSetting:
    'Gaussian 15×15 (nsig 3), MI μ = 1.0, ε = 16/255, T = 10, logit ensemble of four ImageNet nets',
  params,
  schema: paramsSchema('ti', params),
  cost: { kind: 'none' },
  requires: {},
  randomised: () => false,
  conflicts: {},
  norms: ['linf', 'l2']
})
