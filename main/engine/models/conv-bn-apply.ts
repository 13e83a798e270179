/**
 * Conv → batch norm (→ ReLU), the unit our CNNs stack, run the fast way for each mode.
 *
 * Training: the conv, then batch norm on batch statistics (which must see the conv's output),
 * with the ReLU inside the batch-norm kernel.
 * Inference (attacks, evaluation): batch norm with running statistics is an affine map per
 * channel, so it folds into the conv — filter · scale and bias = β − mean · scale — and the whole
 * unit is one FusedConv2D launch instead of a conv and four elementwise passes (sub, mul, add,
 * ReLU), in the forward pass and again in the attack's backward pass.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from './forward-context'
import { fusedConv2d } from './fused-conv2d'
import type { BatchNorm, Conv2d } from './layers'

export function applyConvBn(
  conv: Conv2d,
  bn: BatchNorm,
  x: tf.Tensor4D,
  ctx: ForwardContext,
  relu: boolean
): tf.Tensor4D {
  if (ctx.training) return bn.apply(conv.apply(x), ctx, relu)
  const { scale, shift } = bn.inferenceAffine()
  return fusedConv2d(x, tf.mul(conv.kernel, scale) as tf.Tensor4D, shift, conv.stride, relu)
}
