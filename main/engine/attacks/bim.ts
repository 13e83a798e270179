/**
 * BIM / I-FGSM under L∞ (Kurakin et al., "Adversarial examples in the physical world", ICLR 2017
 * workshop, https://arxiv.org/abs/1607.02533), the paper's default attack.
 *
 *   x_{t+1} = clip_[lo,hi](x_t + α·sign(∇x L(x_t))),  lo = max(x0−ε, 0), hi = min(x0+ε, 1)
 *
 * Paper defaults (Gubri et al. 2023, App. A): ε = 4/255, α = ε/10, T = 50, no random start,
 * untargeted, surrogate in eval mode. L is the summed cross-entropy (its scale does not change a
 * sign step). sign(0) = 0, so a pixel with zero gradient does not move.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { runAttack } from './attack-loop'

export interface BimOptions {
  eps: number
  stepSize: number
  steps: number
}

/** Plain BIM: the attack loop with an empty stack (bitwise equal to the original BIM loop). */
export function bimAttack(
  model: Classifier,
  x0: tf.Tensor4D,
  labels: tf.Tensor1D,
  options: BimOptions
): tf.Tensor4D {
  return runAttack(model, x0, labels, {
    norm: 'linf',
    eps: options.eps,
    alpha: options.stepSize,
    steps: options.steps,
    seed: 0
  })
}
