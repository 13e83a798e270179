/**
 * A Conv → BatchNormalization → Relu chain of an imported graph (the batch norm and the ReLU each
 * optional) run as one FusedConv2D launch: the ONNX weight re-laid out to tfjs's [kh, kw, in, out],
 * the pads given to the kernel (no separate pad pass), the conv bias and, with running
 * statistics (attacks, evaluation, fine-tuning with batch norm frozen), the batch norm folded in —
 * filter · γ/√(v + ε) and bias β + (b − mean) · γ/√(v + ε) — and the ReLU applied inside the kernel,
 * in the forward pass and again in every backward pass. The built-in nets do the same
 * (models/conv-bn-apply.ts). With batch statistics, or an input that is not an NHWC image, the
 * chain runs node by node as the graph says.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerFusedConv2DGradient } from '../../models/fused-conv2d'
import { GraphValue } from '../graph-value'
import type { OpImplementation, OpNode, OpRun } from '../op-types'
import { windowAttributes } from './spatial-padding'

export interface ConvUnitParts {
  conv: OpNode & { impl: OpImplementation }
  batchNorm?: OpNode & { impl: OpImplementation }
  relu?: OpNode & { impl: OpImplementation }
}

/** Inputs of the fused node: the conv's three (bias '' when absent), then the batch norm's γ, β, mean, variance. */
export function convUnitInputs(parts: ConvUnitParts): string[] {
  const conv = [0, 1, 2].map((i) => parts.conv.inputs[i] ?? '')
  return parts.batchNorm ? [...conv, ...parts.batchNorm.inputs.slice(1, 5)] : conv
}

/** True when the batch norm uses batch statistics in this pass (as the BatchNormalization op decides). */
function batchStatistics(batchNorm: OpNode, run: OpRun): boolean {
  const exportedTraining = batchNorm.opset >= 14 && batchNorm.attrs.int('training_mode', 0) === 1
  return exportedTraining || (run.forward.training && run.batchNorm === 'update')
}

/** The chain node by node, each op as the graph gives it. */
function nodeByNode(
  parts: ConvUnitParts,
  inputs: (GraphValue | undefined)[],
  run: OpRun
): GraphValue[] {
  let [y] = parts.conv.impl.run(inputs.slice(0, 3), { ...run, node: parts.conv })
  if (parts.batchNorm)
    [y] = parts.batchNorm.impl.run([y, ...inputs.slice(3, 7)], { ...run, node: parts.batchNorm })
  if (parts.relu) [y] = parts.relu.impl.run([y], { ...run, node: parts.relu })
  return [y]
}

/** The kernel's [kh, kw, in, out] filter and its bias, with running-statistics batch norm folded in. */
function foldedFilter(
  parts: ConvUnitParts,
  weight: tf.Tensor,
  convBias: tf.Tensor | undefined,
  stats: tf.Tensor[]
): { filter: tf.Tensor4D; bias?: tf.Tensor1D } {
  const filter = tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D
  if (!parts.batchNorm) return { filter, bias: convBias as tf.Tensor1D | undefined }
  const [gamma, beta, mean, variance] = stats
  const scale = tf.mul(
    gamma,
    tf.rsqrt(tf.add(variance, parts.batchNorm.attrs.float('epsilon', 1e-5)))
  )
  const shifted = convBias ? tf.sub(convBias, mean) : tf.neg(mean)
  return {
    filter: tf.mul(filter, scale) as tf.Tensor4D,
    bias: tf.add(beta, tf.mul(shifted, scale)) as tf.Tensor1D
  }
}

export function convUnitImplementation(parts: ConvUnitParts): OpImplementation {
  return {
    run(inputs, run) {
      const x = inputs[0]
      const weight = inputs[1]
      if (
        !x ||
        !weight ||
        x.rank !== 4 ||
        x.dtype !== 'float32' ||
        weight.rank !== 4 ||
        (parts.batchNorm && batchStatistics(parts.batchNorm, run))
      )
        return nodeByNode(parts, inputs, run)
      const { conv } = parts
      const win = windowAttributes(conv, x.shape.slice(2), weight.shape.slice(2))
      const stats = [3, 4, 5, 6].map((i) => inputs[i]?.tensor as tf.Tensor)
      const { filter, bias } = foldedFilter(parts, weight.onnx(), inputs[2]?.tensor, stats)
      registerFusedConv2DGradient()
      const attrs = {
        strides: [win.strides[0], win.strides[1]],
        pad: [[0, 0], win.pads[0], win.pads[1], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        activation: parts.relu ? 'relu' : 'linear'
      }
      const y = tf
        .engine()
        .runKernel(
          tf.FusedConv2D,
          bias ? { x: x.nhwcTensor(), filter, bias } : { x: x.nhwcTensor(), filter },
          attrs as unknown as tf.NamedAttrMap
        ) as tf.Tensor4D
      return [new GraphValue(y, true)]
    }
  }
}
