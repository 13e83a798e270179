/**
 * AWP, adversarial weight perturbation (Wu, Xia & Wang, NeurIPS 2020), with one ascent step as the
 * paper trains: each kernel moves by v_l = γ·‖w_l‖·g_l/‖g_l‖ (layer-wise relative size), biases and
 * normalisation layers stay (the paper skips every tensor of rank ≤ 1), and the base step takes the
 * gradient at w + v. With the recipe's `adversarial` examples this is AT-AWP; γ 5e-3. Cost 2 passes.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { Minimizer } from './minimizer'
import { NORM_EPSILON } from './perturbation'
import { SamFamily } from './sam-family'
import { entry, mapTensors, type TensorMap } from './tensor-map'

export class Awp extends SamFamily {
  readonly id: Minimizer['id'] = 'awp'

  constructor(
    base: SgdMomentum,
    readonly gamma = 5e-3
  ) {
    super(base)
  }

  protected perturbation(g: TensorMap, weights: Map<string, tf.Variable>): TensorMap {
    return mapTensors(g, (gi, name) =>
      tf.tidy(() => {
        if (gi.rank <= 1) return tf.zerosLike(gi)
        const w = entry(weights, name, 'Awp.perturbation')
        return tf.mul(gi, tf.div(tf.mul(this.gamma, tf.norm(w)), tf.add(tf.norm(gi), NORM_EPSILON)))
      })
    )
  }
}
