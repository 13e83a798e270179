/** Layer normalisation over the last axis, with learned scale and shift (Ba et al., 2016, https://arxiv.org/abs/1607.06450). */
import * as tf from '@tensorflow/tfjs-core'
import type { ModelParams } from './model-params'

export const LAYER_NORM_EPSILON = 1e-5

export class LayerNorm {
  private readonly gamma: tf.Variable
  private readonly beta: tf.Variable

  constructor(params: ModelParams, name: string, channels: number) {
    this.gamma = params.constant(`${name}/gamma`, [channels], 1, true)
    this.beta = params.constant(`${name}/beta`, [channels], 0, true)
  }

  apply<T extends tf.Tensor>(x: T): T {
    const axis = x.rank - 1
    const { mean, variance } = tf.moments(x, axis, true)
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON)))
    return tf.add(tf.mul(normalized, this.gamma), this.beta) as T
  }
}
