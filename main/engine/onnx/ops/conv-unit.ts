/**
 * A Conv → BatchNormalization → Relu chain of an imported graph (the batch norm and the ReLU each
 * optional) run as one FusedConv2D launch: the weight as tfjs's [kh, kw, in, out] filter, the pads
 * given to the kernel (no separate pad pass), the conv bias and, with running
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

/** γ/√(v + ε) of a batch norm. */
function foldScale(batchNorm: OpNode, gamma: tf.Tensor, variance: tf.Tensor): tf.Tensor {
  return tf.mul(gamma, tf.rsqrt(tf.add(variance, batchNorm.attrs.float('epsilon', 1e-5))))
}

/** The [kh, kw, in, out] filter times γ/√(v + ε) per output channel. */
function foldFilter(batchNorm: OpNode, [filter, gamma, variance]: tf.Tensor[]): tf.Tensor {
  return tf.mul(filter, foldScale(batchNorm, gamma, variance))
}

/** The gradients of `foldFilter` with respect to the filter, γ and v, for the output gradient `dy`. */
function foldGradients(
  batchNorm: OpNode,
  [filter, gamma, variance]: tf.Tensor[],
  dy: tf.Tensor
): tf.Tensor[] {
  const r = tf.rsqrt(tf.add(variance, batchNorm.attrs.float('epsilon', 1e-5)))
  const dScale = tf.sum(tf.mul(dy, filter), [0, 1, 2])
  return [
    tf.mul(dy, tf.mul(gamma, r)),
    tf.mul(dScale, r),
    tf.mul(tf.mul(dScale, gamma), tf.mul(tf.pow(r, 3), -0.5))
  ]
}

/**
 * The kernel's filter: the weight as a [kh, kw, in, out] filter, with running-statistics batch
 * norm folded in once per distinct weight values when the graph keeps derived weights (an attack's
 * passes re-use it); its gradient reaches the weights as if computed here.
 */
function filterOf(
  parts: ConvUnitParts,
  weight: GraphValue,
  stats: tf.Tensor[],
  run: OpRun
): tf.Tensor4D {
  const filter = weight.convFilter()
  const { batchNorm } = parts
  if (!batchNorm) return filter
  const sources = [filter, stats[0], stats[3]]
  const derived = run.derived
  if (!derived) return foldFilter(batchNorm, sources) as tf.Tensor4D
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, sources.length) as tf.Tensor[]
    const save = args[sources.length] as tf.GradSaveFunc
    save(inputs)
    return {
      value: derived.get(parts.conv, inputs, () => foldFilter(batchNorm, inputs)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => foldGradients(batchNorm, saved, dy)
    }
  })
  return op(...sources) as tf.Tensor4D
}

/** The conv bias, with running-statistics batch norm folded in: β + (b − mean) · γ/√(v + ε). */
function foldedBias(
  parts: ConvUnitParts,
  convBias: tf.Tensor | undefined,
  [gamma, beta, mean, variance]: tf.Tensor[]
): tf.Tensor1D | undefined {
  if (!parts.batchNorm) return convBias as tf.Tensor1D | undefined
  const shifted = convBias ? tf.sub(convBias, mean) : tf.neg(mean)
  return tf.add(beta, tf.mul(shifted, foldScale(parts.batchNorm, gamma, variance))) as tf.Tensor1D
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
      const filter = filterOf(parts, weight, stats, run)
      const bias = foldedBias(parts, inputs[2]?.tensor, stats)
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
