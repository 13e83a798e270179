/**
 * The building blocks of our classifiers: conv, batch norm and dense layers over `ModelParams`.
 *
 * Written with plain tfjs-core ops (no tfjs-layers) so that batch-norm statistics, residual
 * shortcuts and every gradient stay under the engine's control; each op exists on wasm and cpu.
 */
import * as tf from '@tensorflow/tfjs-core'
import { batchNormTrain, hasBatchNormKernels } from '../backend/batch-norm-kernels'
import { applyConvBn } from './conv-bn-apply'
import type { ForwardContext } from './forward-context'
import { matMul2d } from './matmul-fast-grad'
import type { ModelParams } from './model-params'

/** PyTorch's batch-norm conventions (training spec §1.2). */
export const BN_MOMENTUM = 0.1
export const BN_EPSILON = 1e-5

export class Conv2d {
  readonly kernel: tf.Variable

  constructor(
    params: ModelParams,
    name: string,
    inChannels: number,
    outChannels: number,
    size: number,
    readonly stride = 1
  ) {
    this.kernel = params.heNormal(
      `${name}/kernel`,
      [size, size, inChannels, outChannels],
      size * size * inChannels
    )
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.conv2d(x, this.kernel as tf.Tensor4D, this.stride, 'same')
  }
}

export class BatchNorm {
  private readonly gamma: tf.Variable
  private readonly beta: tf.Variable
  private readonly mean: tf.Variable
  private readonly variance: tf.Variable

  constructor(params: ModelParams, name: string, channels: number) {
    this.gamma = params.constant(`${name}/gamma`, [channels], 1, true)
    this.beta = params.constant(`${name}/beta`, [channels], 0, true)
    this.mean = params.constant(`${name}/moving_mean`, [channels], 0, false)
    this.variance = params.constant(`${name}/moving_variance`, [channels], 1, false)
  }

  /** Batch norm, and with `relu` a ReLU after it (inside the training kernel where there is one). */
  apply(x: tf.Tensor4D, ctx: ForwardContext, relu = false): tf.Tensor4D {
    const y = this.normalizeFor(x, ctx, relu)
    return relu && !(ctx.training && hasBatchNormKernels()) ? tf.relu(y) : y
  }

  private normalizeFor(x: tf.Tensor4D, ctx: ForwardContext, relu: boolean): tf.Tensor4D {
    if (!ctx.training) return this.normalize(x, this.mean, this.variance)
    // One kernel forward and one for the gradient where the backend has them (wasm, cpu).
    const fused = hasBatchNormKernels()
      ? batchNormTrain(x, this.gamma, this.beta, BN_EPSILON, relu)
      : undefined
    const { mean, variance } = fused
      ? { mean: fused[1], variance: fused[2] }
      : tf.moments(x, [0, 1, 2])
    if (ctx.statUpdates) {
      const n = x.shape[0] * x.shape[1] * x.shape[2]
      ctx.statUpdates.push({
        mean: this.mean,
        variance: this.variance,
        batchMean: tf.keep(mean),
        batchVariance: tf.keep(variance),
        varianceScale: n / Math.max(n - 1, 1)
      })
    }
    return fused ? (fused[0] as tf.Tensor4D) : this.normalize(x, mean, variance)
  }

  /** What the inference affine is made of: γ, β and the running mean and variance. */
  statistics(): tf.Variable[] {
    return [this.gamma, this.beta, this.mean, this.variance]
  }

  /** Inference-mode batch norm as y = x · scale + shift per channel (running statistics). */
  inferenceAffine(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.variance, BN_EPSILON))) as tf.Tensor1D
    return { scale, shift: tf.sub(this.beta, tf.mul(this.mean, scale)) as tf.Tensor1D }
  }

  private normalize(x: tf.Tensor4D, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor4D {
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)))
    return tf.add(tf.mul(tf.sub(x, mean), scale), this.beta)
  }
}

export class Dense {
  private readonly kernel: tf.Variable
  private readonly bias: tf.Variable

  constructor(params: ModelParams, name: string, inUnits: number, outUnits: number) {
    this.kernel = params.uniformFanIn(`${name}/kernel`, [inUnits, outUnits], inUnits)
    this.bias = params.uniformFanIn(`${name}/bias`, [outUnits], inUnits)
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(matMul2d(x, this.kernel as tf.Tensor2D), this.bias)
  }
}

/** Conv → BN → ReLU, the unit both architectures stack. */
export class ConvBnRelu {
  private readonly conv: Conv2d
  private readonly bn: BatchNorm

  constructor(
    params: ModelParams,
    name: string,
    inChannels: number,
    outChannels: number,
    stride = 1
  ) {
    this.conv = new Conv2d(params, `${name}/conv`, inChannels, outChannels, 3, stride)
    this.bn = new BatchNorm(params, `${name}/bn`, outChannels)
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return applyConvBn(this.conv, this.bn, x, ctx, true)
  }
}

/** Global average pooling: [B,H,W,C] → [B,C]. */
export function globalAveragePool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D
}
