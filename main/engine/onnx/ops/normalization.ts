/**
 * BatchNormalization and LayerNormalization.
 *
 * Batch norm follows the engine's convention (models/layers.ts, training spec §1.2): in training
 * passes with batch-norm `update`, batch statistics normalise and the running statistics' update
 * (unbiased batch variance, PyTorch's momentum) is pushed to `ForwardContext.statUpdates` for the
 * trainer to apply after the step; with `freeze`, or outside training, the running statistics are
 * used and never change. A node exported with training_mode = 1 (opset 14+) also returns its new
 * running statistics, as ONNX defines them.
 */
import * as tf from '@tensorflow/tfjs-core'
import { batchNormTrain, hasBatchNormKernels } from '../../backend/batch-norm-kernels'
import { GraphValue } from '../graph-value'
import { required, type OpTable } from '../op-types'

/** A per-channel [C] tensor shaped to broadcast along a value's channel axis. */
function perChannel(v: tf.Tensor, x: GraphValue): tf.Tensor {
  if (x.nhwc || x.rank <= 2) return v
  return v.reshape([v.shape[0], ...new Array(x.rank - 2).fill(1)])
}

export const NORMALIZATION_OPS: OpTable = {
  BatchNormalization: {
    statInputs: [3, 4],
    check: (node) =>
      node.opset < 9 && node.attrs.int('spatial', 1) !== 1 ? 'spatial = 0' : undefined,
    run(inputs, { node, forward, batchNorm }) {
      const x = required(inputs, 0, node)
      const [scale, bias, mean, variance] = [1, 2, 3, 4].map(
        (i) => required(inputs, i, node).tensor
      ) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
      const epsilon = node.attrs.float('epsilon', 1e-5)
      const exportedTraining = node.opset >= 14 && node.attrs.int('training_mode', 0) === 1
      const batchStats = exportedTraining || (forward.training && batchNorm === 'update')
      const t = x.tensor
      if (!batchStats) {
        const a = tf.mul(scale, tf.rsqrt(tf.add(variance, epsilon)))
        const b = tf.sub(bias, tf.mul(mean, a))
        return [new GraphValue(tf.add(tf.mul(t, perChannel(a, x)), perChannel(b, x)), x.nhwc)]
      }
      const channelAxis = x.nhwc ? 3 : 1
      // Channels last (NHWC images, [N, C] features): one kernel forward and one per gradient
      // (native oneDNN when loaded) instead of moments and the element-wise ops, as built-in nets do.
      const kernel =
        !exportedTraining && channelAxis === t.rank - 1 && hasBatchNormKernels()
          ? batchNormTrain(t, scale, bias, epsilon)
          : undefined
      const axes = t.shape.map((_, i) => i).filter((i) => i !== channelAxis)
      const moments = kernel ? { mean: kernel[1], variance: kernel[2] } : tf.moments(t, axes)
      const n = t.size / (t.shape[channelAxis] as number)
      const unbiased = tf.mul(moments.variance, n / Math.max(n - 1, 1))
      if (
        forward.training &&
        forward.statUpdates &&
        mean instanceof tf.Variable &&
        variance instanceof tf.Variable
      )
        forward.statUpdates.push({
          mean,
          variance,
          batchMean: tf.keep(moments.mean),
          batchVariance: tf.keep(unbiased)
        })
      if (kernel) return [new GraphValue(kernel[0], x.nhwc)]
      const a = tf.mul(scale, tf.rsqrt(tf.add(moments.variance, epsilon)))
      const y = new GraphValue(
        tf.add(
          tf.mul(tf.sub(t, perChannel(moments.mean, x)), perChannel(a, x)),
          perChannel(bias, x)
        ),
        x.nhwc
      )
      if (!exportedTraining) return [y]
      const momentum = node.attrs.float('momentum', 0.9)
      const running = (old: tf.Tensor, batch: tf.Tensor): GraphValue =>
        new GraphValue(tf.add(tf.mul(old, momentum), tf.mul(batch, 1 - momentum)))
      return [y, running(mean, moments.mean), running(variance, moments.variance)]
    }
  },
  LayerNormalization: {
    run(inputs, { node }) {
      const x = required(inputs, 0, node).onnx()
      const rank = x.rank
      const axis = node.attrs.int('axis', -1)
      const first = axis < 0 ? axis + rank : axis
      const axes = x.shape.map((_, i) => i).filter((i) => i >= first)
      const epsilon = node.attrs.float('epsilon', 1e-5)
      const { mean, variance } = tf.moments(x, axes, true)
      const invStd = tf.rsqrt(tf.add(variance, epsilon))
      let y = tf.mul(tf.sub(x, mean), invStd)
      y = tf.mul(y, required(inputs, 1, node).onnx())
      if (inputs[2]) y = tf.add(y, inputs[2].onnx())
      return [new GraphValue(y), new GraphValue(mean), new GraphValue(invStd)]
    }
  }
}
