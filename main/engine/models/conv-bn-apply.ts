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
import { DerivedWeights } from '../onnx/derived-weights'
import type { ForwardContext } from './forward-context'
import { fusedConv2d } from './fused-conv2d'
import type { BatchNorm, Conv2d } from './layers'

/** The folded filters and shifts of the current `withFoldedConvBn` scope, if one runs. */
let folded: DerivedWeights | undefined

/**
 * Runs `run` (an attack: hundreds of inference passes on fixed weights, differentiating only the
 * input) with each conv unit's folded filter and shift computed once and kept, instead of ~7
 * launches per unit and pass (BIM on small-resnet: 63 of a step's 303). An entry stays valid
 * while the weights keep their values (their dataIds, see onnx/derived-weights.ts); everything
 * kept is disposed when `run` returns (so `run` must be synchronous). Not for code that
 * differentiates the weights: the kept tensors carry no gradient back to them.
 */
export function withFoldedConvBn<T>(run: () => T): T {
  if (folded) return run()
  folded = new DerivedWeights()
  try {
    return run()
  } finally {
    folded.dispose()
    folded = undefined
  }
}

export function applyConvBn(
  conv: Conv2d,
  bn: BatchNorm,
  x: tf.Tensor4D,
  ctx: ForwardContext,
  relu: boolean
): tf.Tensor4D {
  if (ctx.training) return bn.apply(conv.apply(x), ctx, relu)
  if (folded) {
    const sources = [conv.kernel, ...bn.statistics()]
    const filter = folded.get(conv, sources, () => tf.mul(conv.kernel, bn.inferenceAffine().scale))
    const shift = folded.get(bn, sources, () => bn.inferenceAffine().shift)
    return fusedConv2d(x, filter as tf.Tensor4D, shift as tf.Tensor1D, conv.stride, relu)
  }
  const { scale, shift } = bn.inferenceAffine()
  return fusedConv2d(x, tf.mul(conv.kernel, scale) as tf.Tensor4D, shift, conv.stride, relu)
}
