/**
 * Forward FLOPs of one image, counted from the kernels a real forward pass runs (`tf.profile`).
 *
 * `dense` is 2 × the multiply-adds of Conv2D, DepthwiseConv2dNative and BatchMatMul kernels (the
 * figure papers quote); `elementwise` is one FLOP per output element of every other kernel
 * (batch norm, activations, pooling, the shift-and-add depthwise conv), an upper-bound-style
 * count kept apart so the two are never mixed.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from './classifier'
import { EVAL } from './forward-context'

export interface FlopCount {
  dense: number
  elementwise: number
}

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

export async function countForwardFlops(model: Classifier): Promise<FlopCount> {
  const x = tf.zeros([1, ...model.config.inputShape]) as tf.Tensor4D
  const info = await tf.profile(() => tf.tidy(() => model.forward(x, EVAL)))
  x.dispose()
  tf.dispose(info.result as tf.Tensor)
  let dense = 0
  let elementwise = 0
  for (const kernel of info.kernels) {
    const out = kernel.outputShapes[0] ?? []
    const inputs = kernel.inputShapes
    if (kernel.name === 'Conv2D') {
      const [kh, kw, cin] = inputs[1] ?? [0, 0, 0]
      dense += 2 * product(out) * kh * kw * cin
    } else if (kernel.name === 'DepthwiseConv2dNative') {
      const [kh, kw] = inputs[1] ?? [0, 0]
      dense += 2 * product(out) * kh * kw
    } else if (kernel.name === 'BatchMatMul' || kernel.name === '_FusedMatMul') {
      // Our layers never transpose the left operand, so its last axis is the shared one.
      const a = inputs[0] ?? [0]
      dense += 2 * product(out) * a[a.length - 1]
    } else if (!['Reshape', 'Identity', 'Cast', 'Fill', 'ZerosLike'].includes(kernel.name)) {
      elementwise += product(out)
    }
  }
  return { dense, elementwise }
}
