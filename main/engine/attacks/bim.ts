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
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { EVAL } from '../models/forward-context'
import { crossEntropySum } from '../training/cross-entropy'

export interface BimOptions {
  eps: number
  stepSize: number
  steps: number
}

export function bimAttack(model: Classifier, x0: tf.Tensor4D, labels: tf.Tensor1D, options: BimOptions): tf.Tensor4D {
  const lo = tf.tidy(() => tf.maximum(tf.sub(x0, options.eps), 0))
  const hi = tf.tidy(() => tf.minimum(tf.add(x0, options.eps), 1))
  const lossOf = (x: tf.Tensor) => crossEntropySum(model.forward(x as tf.Tensor4D, EVAL), labels)
  const gradient = tf.grad(lossOf)
  let x = tf.clone(x0)
  for (let t = 0; t < options.steps; t++) {
    const next = tf.tidy(() => tf.minimum(tf.maximum(tf.add(x, tf.mul(tf.sign(gradient(x) as tf.Tensor4D), options.stepSize)), lo), hi))
    x.dispose()
    x = next as tf.Tensor4D
  }
  lo.dispose()
  hi.dispose()
  return x
}
