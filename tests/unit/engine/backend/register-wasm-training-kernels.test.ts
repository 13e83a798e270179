import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmTrainingKernels } from '../../../../main/engine/backend/register-wasm-training-kernels'
import { pattern, relativeError, setUpWasmAndCpu } from './backend-test-utils'

interface Params {
  w1: tf.Tensor4D
  w2: tf.Tensor4D
  gamma: tf.Tensor1D
  beta: tf.Tensor1D
  wd: tf.Tensor2D
  bd: tf.Tensor1D
}

const LABELS = [0, 3, 1, 4]

/** A small CNN of the kinds of layers we train: conv (stride 1 and 2), plain-op batch norm, pools. */
function logits(x: tf.Tensor4D, p: Params): tf.Tensor2D {
  let h = tf.relu(tf.conv2d(x, p.w1, 1, 'same'))
  h = tf.maxPool(h, 2, 2, 'same')
  h = tf.conv2d(h, p.w2, 2, 'same')
  const { mean, variance } = tf.moments(h, [0, 1, 2])
  h = tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-5))), p.gamma), p.beta)
  // 'valid': where 'same' padding cuts a window, the cpu backend's AvgPoolGrad divides by the whole
  // window while its forward pool averages the pixels inside; wasm-avg-pool-grad.test.ts checks ours there.
  h = tf.avgPool(tf.relu(h), 2, 1, 'valid')
  return tf.add(tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, p.wd), p.bd)
}

/** Cross-entropy through gather (needs UnsortedSegmentSum) plus a float one-hot term (needs OneHot). */
function loss(x: tf.Tensor4D, p: Params): tf.Scalar {
  const logProbs = tf.logSoftmax(logits(x, p))
  const classes = logProbs.shape[1]
  const rows = tf.range(0, LABELS.length, 1, 'int32')
  const flatIndex = tf.add(tf.mul(rows, tf.scalar(classes, 'int32')), tf.tensor1d(LABELS, 'int32'))
  const picked = tf.gather(tf.reshape(logProbs, [-1]), flatIndex)
  const smooth = tf.oneHot(tf.tensor1d(LABELS, 'int32'), classes, 0.9, 0.1 / classes, 'float32')
  return tf.neg(tf.add(tf.mean(picked), tf.mean(tf.sum(tf.mul(smooth, logProbs), 1)))) as tf.Scalar
}

function makeParams(): Params {
  return {
    w1: tf.mul(pattern([3, 3, 1, 4], 1), 0.4) as tf.Tensor4D,
    w2: tf.mul(pattern([3, 3, 4, 6], 2), 0.3) as tf.Tensor4D,
    gamma: tf.add(pattern([6], 3), 1) as tf.Tensor1D,
    beta: pattern([6], 4) as tf.Tensor1D,
    wd: tf.mul(pattern([6, 5], 5), 0.5) as tf.Tensor2D,
    bd: pattern([5], 6) as tf.Tensor1D
  }
}

/** All parameter gradients and the BIM step (sign of the input gradient, clipped to an ε-ball). */
async function trainingAndAttack(backend: 'wasm' | 'cpu'): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  const out = tf.tidy(() => {
    const x = pattern([4, 9, 9, 1], 7) as tf.Tensor4D
    const p = makeParams()
    const names = Object.keys(p) as (keyof Params)[]
    const grads = tf.grads((...ts: tf.Tensor[]) => {
      const q = Object.fromEntries(names.map((n, i) => [n, ts[i]])) as unknown as Params
      return loss(x, q)
    })(names.map((n) => p[n]))
    const gx = tf.grad((input: tf.Tensor) => loss(input as tf.Tensor4D, p))(x)
    const eps = 0.1
    const stepped = tf.clipByValue(tf.add(x, tf.mul(tf.sign(gx), 0.05)), -1, 1)
    const adv = tf.minimum(tf.maximum(stepped, tf.sub(x, eps)), tf.add(x, eps))
    return [...grads, gx, adv]
  })
  const values = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())))
  tf.dispose(out)
  return values
}

describe('registerWasmTrainingKernels', () => {
  beforeAll(setUpWasmAndCpu)

  it('has registered every kernel already (initBackend did), and does nothing twice', () => {
    expect(registerWasmTrainingKernels()).toEqual([])
    for (const name of [
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'UnsortedSegmentSum',
      'OneHot'
    ]) {
      expect(tf.getKernel(name, 'wasm')).toBeDefined()
    }
  })

  it('lets wasm train and attack a small CNN with the gradients the cpu backend gives', async () => {
    const expected = await trainingAndAttack('cpu')
    const before = tf.memory().numTensors
    const actual = await trainingAndAttack('wasm')
    expect(tf.memory().numTensors).toBe(before)
    expect(actual.length).toBe(expected.length)
    for (let i = 0; i < expected.length - 2; i++) {
      expect(relativeError(expected[i], actual[i]), `parameter gradient #${i}`).toBeLessThan(1e-4)
    }
    expect(relativeError(expected[6], actual[6]), 'input gradient').toBeLessThan(1e-4)
    // Where the input gradient is not tiny its sign is stable, so the adversarial batches agree.
    const gx = expected[6]
    const big = Math.max(...gx.map(Math.abs)) * 1e-3
    for (let i = 0; i < gx.length; i++) {
      if (Math.abs(gx[i]) > big) expect(actual[7][i]).toBeCloseTo(expected[7][i], 5)
    }
  })
})
