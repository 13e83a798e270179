import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { countForwardFlops } from '../../../../main/engine/models/count-flops'
import { DepthwiseConv2d } from '../../../../main/engine/models/depthwise-conv'
import { gelu } from '../../../../main/engine/models/gelu'
import { Conv2d, Dense } from '../../../../main/engine/models/layers'
import { LayerNorm } from '../../../../main/engine/models/layer-norm'
import { ModelParams } from '../../../../main/engine/models/model-params'
import { scaleChannels } from '../../../../main/engine/models/scale-channels'
import '../../../../main/engine/training/register-gradients'

beforeAll(async () => {
  await initBackend()
})

describe('DepthwiseConv2d (shift and add)', () => {
  it('equals tfjs depthwiseConv2d with the same kernel, and has a kernel gradient', () => {
    const params = new ModelParams(new Rng(1))
    const layer = new DepthwiseConv2d(params, 'dw', 3, 5)
    const x = tf.randomNormal([2, 6, 7, 3], 0, 1, 'float32', 4) as tf.Tensor4D
    const kernel = params.trainable.get('dw/kernel')!
    const reference = tf.depthwiseConv2d(
      x,
      tf.reshape(kernel, [5, 5, 3, 1]) as tf.Tensor4D,
      1,
      'same'
    )
    const ours = layer.apply(x)
    expect(ours.shape).toEqual([2, 6, 7, 3])
    const r = reference.dataSync()
    Array.from(ours.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(r[i], 4))
    const { grads } = tf.variableGrads(() => tf.sum(layer.apply(x)), [kernel])
    expect(grads[kernel.name].shape).toEqual([5, 5, 3])
    tf.dispose([x, reference, ours, ...Object.values(grads)])
    params.dispose()
  })
})

describe('gelu and LayerNorm', () => {
  it('gelu follows the tanh approximation at a few points', () => {
    const y = gelu(tf.tensor1d([-3, -1, 0, 1, 3])).dataSync()
    // Reference values of 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).
    ;[-0.00363739, -0.15880801, 0, 0.84119199, 2.99636261].forEach((v, i) =>
      expect(y[i]).toBeCloseTo(v, 5)
    )
  })

  it('LayerNorm gives zero mean and unit variance over the last axis', () => {
    const params = new ModelParams(new Rng(1))
    const y = new LayerNorm(params, 'ln', 4).apply(
      tf.tensor2d([
        [1, 2, 3, 4],
        [10, 10, 10, 14]
      ])
    )
    const { mean, variance } = tf.moments(y, 1)
    Array.from(mean.dataSync()).forEach((v) => expect(v).toBeCloseTo(0, 5))
    Array.from(variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 3))
    params.dispose()
  })
})

describe('scaleChannels', () => {
  it('replaces the paper width by the requested one, never below one channel', () => {
    expect(scaleChannels(512, 64, 64)).toBe(512)
    expect(scaleChannels(512, 4, 64)).toBe(32)
    expect(scaleChannels(16, 2, 64)).toBe(1)
  })
})

describe('countForwardFlops', () => {
  it('counts 2 × multiply-adds of convs and matmuls from a real forward pass', async () => {
    const params = new ModelParams(new Rng(1))
    const conv = new Conv2d(params, 'conv', 3, 8, 3)
    const dense = new Dense(params, 'dense', 8, 10)
    const model: Classifier = {
      config: {
        arch: 'small-cnn',
        width: 8,
        inputShape: [6, 6, 3],
        numClasses: 10,
        normalization: { mean: [0], std: [1] }
      },
      params,
      skipConnections: [],
      forward: (x) => dense.apply(tf.mean(conv.apply(x), [1, 2]) as tf.Tensor2D)
    }
    const flops = await countForwardFlops(model)
    expect(flops.dense).toBe(2 * (6 * 6 * 8 * 3 * 3 * 3) + 2 * (8 * 10))
    expect(flops.elementwise).toBeGreaterThan(0)
    params.dispose()
  })
})
