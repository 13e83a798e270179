/**
 * BIM / I-FGSM (Kurakin et al., ICLR 2017 workshop): the loop every technique plugs into. Its budget
 * (ε, α, T, norm) lives in the attack spec itself, so it has no stack settings; it is in the registry
 * so every listing, the report and the bench name it like any other technique.
 */
import { z } from 'zod'
import { defineTechnique } from './technique-entry'

export const bim = defineTechnique({
  id: 'bim',
  short: 'BIM',
  name: 'Basic Iterative Method (I-FGSM)',
  family: 'base',
  layer: 'optimizer',
  paper: {
    authors: 'Kurakin, Goodfellow & Bengio',
    title: 'Adversarial examples in the physical world',
    venue: 'ICLR 2017 workshop',
    year: 2017,
    url: 'https://arxiv.org/abs/1607.02533'
  },
  paperSetting: 'Gubri et al. 2023: L∞ ε = 4/255, α = ε/10, T = 50, no random start, untargeted',
  params: [],
  schema: z.strictObject({}),
  cost: { kind: 'none' },
  requires: {},
  randomised: () => false,
  conflicts: {},
  norms: ['linf', 'l2'],
  paperTable4: true
})
