import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { batchNormTrain } from '../../../../main/engine/backend/batch-norm-kernels'
import { centralDifferences, pattern, relativeError, setUpWasmAndCpu } from './backend-test-utils'

beforeAll(setUpWasmAndCpu)

const EPS = 1e-5
/** Batch norm from plain ops (the form the kernels replace). */
function plain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2])
  return tf.add(tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, EPS)))), beta)
}
const fused = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor =>
  batchNormTrain(x, gamma, beta, EPS)[0]

describe.each(['wasm', 'cpu'] as const)('batch-norm training kernels (%s)', (backend) => {
  const x = () => tf.add(tf.mul(pattern([3, 4, 5, 6]), 2), 0.7)
  const gamma = () => tf.add(pattern([6], 1), 1.5)
  const beta = () => pattern([6], 2)
  const weight = () => pattern([3, 4, 5, 6], 3)

  it('computes the plain ops’ output, batch mean and biased variance', async () => {
    await tf.setBackend(backend)
    tf.tidy(() => {
      const [y, mean, variance] = batchNormTrain(x(), gamma(), beta(), EPS)
      const moments = tf.moments(x(), [0, 1, 2])
      expect(
        relativeError(
          plain(x(), gamma(), beta()).dataSync() as Float32Array,
          y.dataSync() as Float32Array
        )
      ).toBeLessThan(1e-5)
      expect(
        relativeError(moments.mean.dataSync() as Float32Array, mean.dataSync() as Float32Array)
      ).toBeLessThan(1e-6)
      expect(
        relativeError(
          moments.variance.dataSync() as Float32Array,
          variance.dataSync() as Float32Array
        )
      ).toBeLessThan(1e-5)
    })
  })

  it('gives the plain ops’ gradients for x, γ and β, in one launch each way', async () => {
    await tf.setBackend(backend)
    tf.tidy(() => {
      const loss = (f: typeof plain) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a, g, b), weight()))
      const ours = tf.grads(loss(fused))([x(), gamma(), beta()])
      const reference = tf.grads(loss(plain))([x(), gamma(), beta()])
      ours.forEach((g, i) =>
        expect(
          relativeError(reference[i].dataSync() as Float32Array, g.dataSync() as Float32Array),
          `input ${i}`
        ).toBeLessThan(1e-4)
      )
    })
    const profile = await tf.profile(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(fused(a, g, b)))([
        x(),
        gamma(),
        beta()
      ])
    )
    const ours = profile.kernelNames.filter((k) => k.startsWith('FlatlineBatchNorm'))
    // Forward, and one gradient launch for x, γ and β together; no moments, no Mean.
    expect([...ours].sort()).toEqual(['FlatlineBatchNormGrad', 'FlatlineBatchNormTrain'])
    expect(profile.kernels.filter((k) => k.name.startsWith('FlatlineBatchNorm'))).toHaveLength(2)
    expect(profile.kernelNames).not.toContain('Mean')
  })

  it('agrees with finite differences', async () => {
    await tf.setBackend(backend)
    const small = pattern([2, 2, 2, 3], 4)
    const w = pattern([2, 2, 2, 3], 5)
    const f = (a: tf.Tensor) =>
      tf.sum(
        tf.mul(fused(a, tf.tensor1d([1.2, 0.8, -0.5]), tf.tensor1d([0.1, 0, -0.2])), w)
      ) as tf.Scalar
    const analytic = tf.grad(f)(small).dataSync() as Float32Array
    expect(relativeError(centralDifferences(f, small, 3e-3), analytic)).toBeLessThan(2e-2)
  })

  it('with relu: max(0, bn(x)) and the gradients of relu after the plain ops, in the same two launches', async () => {
    await tf.setBackend(backend)
    const withRelu = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      batchNormTrain(a, g, b, EPS, true)[0]
    const plainRelu = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.relu(plain(a, g, b))
    tf.tidy(() => {
      const loss = (f: typeof plain) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a, g, b), weight()))
      expect(
        relativeError(
          plainRelu(x(), gamma(), beta()).dataSync() as Float32Array,
          withRelu(x(), gamma(), beta()).dataSync() as Float32Array
        )
      ).toBeLessThan(1e-5)
      const ours = tf.grads(loss(withRelu))([x(), gamma(), beta()])
      const reference = tf.grads(loss(plainRelu))([x(), gamma(), beta()])
      ours.forEach((g, i) =>
        expect(
          relativeError(reference[i].dataSync() as Float32Array, g.dataSync() as Float32Array),
          `input ${i}`
        ).toBeLessThan(1e-4)
      )
    })
    const profile = await tf.profile(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(withRelu(a, g, b)))([
        x(),
        gamma(),
        beta()
      ])
    )
    expect(profile.kernelNames).not.toContain('Relu')
    expect(profile.kernelNames).not.toContain('Step')
    // Finite differences, away from the kink (inputs whose output is far from 0 decide the check).
    const small = pattern([2, 2, 2, 3], 4)
    const w = pattern([2, 2, 2, 3], 5)
    const f = (a: tf.Tensor) =>
      tf.sum(
        tf.mul(withRelu(a, tf.tensor1d([1.2, 0.8, -0.5]), tf.tensor1d([0.3, 0, -0.2])), w)
      ) as tf.Scalar
    const analytic = tf.grad(f)(small).dataSync() as Float32Array
    expect(relativeError(centralDifferences(f, small, 3e-3), analytic)).toBeLessThan(2e-2)
  })
})
