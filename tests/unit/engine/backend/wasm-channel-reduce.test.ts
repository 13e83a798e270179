import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmChannelReduce } from '../../../../main/engine/backend/wasm-channel-reduce'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'

describe('wasm Sum and Mean over every axis but the channels (fast)', () => {
  beforeAll(setUpWasmAndCpu)

  it('wraps both native kernels once', () => {
    expect(registerWasmChannelReduce()).toEqual([])
  })

  it.each([
    ['sum, rank 4', (x: tf.Tensor) => tf.sum(x, [0, 1, 2])],
    ['mean, rank 4, keepDims', (x: tf.Tensor) => tf.mean(x, [0, 1, 2], true)],
    ['sum, negative axes', (x: tf.Tensor) => tf.sum(x, [-4, -3, -2])],
    ['mean, rank 2', (x: tf.Tensor) => tf.mean(tf.reshape(x, [-1, 5]), 0)],
    // Not a channel reduction: the native kernel, unchanged.
    ['sum over the channels only', (x: tf.Tensor) => tf.sum(x, 3)],
    ['mean of everything', (x: tf.Tensor) => tf.mean(x)]
  ])('computes what the cpu backend computes: %s', async (_, f) => {
    const run = () => f(pattern([3, 4, 6, 5]))
    const cpu = await valuesOn('cpu', run)
    const wasm = await valuesOn('wasm', run)
    expect(relativeError(cpu, wasm)).toBeLessThan(1e-6)
    await tf.setBackend('wasm')
    expect(tf.tidy(run).shape).toEqual((await tf.setBackend('cpu'), tf.tidy(run).shape))
  })

  it('gives batch-norm statistics the gradient finite differences give', async () => {
    await tf.setBackend('wasm')
    const loss = (x: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2])
      return tf.sum(
        tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), pattern(x.shape, 2))
      ) as tf.Scalar
    }
    const x = pattern([2, 2, 3, 2])
    const analytic = tf.grad(loss)(x).dataSync() as Float32Array
    expect(relativeError(centralDifferences(loss, x, 3e-3), analytic)).toBeLessThan(2e-2)
  })
})
