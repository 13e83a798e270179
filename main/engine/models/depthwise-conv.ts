/**
 * Depthwise k×k convolution ('same' padding, stride 1) written as a sum of k² shifted copies,
 * each scaled per channel.
 *
 * tfjs's wasm backend has no gradient kernels for `depthwiseConv2d`
 * (DepthwiseConv2dNativeBackpropFilter/Input), and training needs both. Pad, slice, multiply and
 * add all have gradients on every backend; the cost is k² passes over the feature map instead of
 * one, which is acceptable for ConvMixer's k = 5 and small maps.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ModelParams } from './model-params'

export class DepthwiseConv2d {
  private readonly kernel: tf.Variable
  private readonly bias: tf.Variable

  constructor(
    params: ModelParams,
    name: string,
    channels: number,
    private readonly size: number
  ) {
    this.kernel = params.heNormal(`${name}/kernel`, [size, size, channels], size * size)
    this.bias = params.constant(`${name}/bias`, [channels], 0, true)
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [batch, height, width, channels] = x.shape
    const before = Math.floor((this.size - 1) / 2)
    const after = this.size - 1 - before
    const padded = tf.pad(x, [
      [0, 0],
      [before, after],
      [before, after],
      [0, 0]
    ])
    const taps: tf.Tensor4D[] = []
    for (let i = 0; i < this.size; i++) {
      for (let j = 0; j < this.size; j++) {
        const shifted = tf.slice(padded, [0, i, j, 0], [batch, height, width, channels])
        const weight = tf.slice(this.kernel, [i, j, 0], [1, 1, channels]).reshape([channels])
        taps.push(tf.mul(shifted, weight))
      }
    }
    return tf.add(tf.addN(taps), this.bias)
  }
}
