import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { SGD_MOMENTUM_KERNEL } from '../../../../../main/engine/backend/sgd-momentum-kernel'
import { pattern } from '../backend-test-utils'
import { nativeBuilt, nativeCallsDuring, nativeSuite, setUpNativeAndCpu } from './native-test-utils'

/** Runs the kernel on `backend` over weights of these shapes; returns every new weight and buffer. */
async function update(
  backend: 'wasm' | 'cpu',
  shapes: number[][],
  weightDecay: number
): Promise<number[][]> {
  await tf.setBackend(backend)
  const out = tf.tidy(() => {
    const inputs: tf.NamedTensorMap = {}
    shapes.forEach((s, i) => {
      // Seeded random values (the same on both backends) for large weights; pattern() is slow there.
      const values = (phase: number): tf.Tensor =>
        tf.util.sizeFromShape(s) > 1000
          ? tf.randomUniform(s, -1, 1, 'float32', phase)
          : pattern(s, phase)
      inputs[`w${i}`] = values(i)
      inputs[`g${i}`] = tf.mul(values(10 + i), 0.3)
      inputs[`b${i}`] = tf.mul(values(20 + i), 0.1)
    })
    return tf.engine().runKernel(SGD_MOMENTUM_KERNEL, inputs, {
      count: shapes.length,
      lr: 0.05,
      momentum: 0.9,
      weightDecay
    }) as tf.Tensor[]
  })
  const values = out.map((t) => Array.from(t.dataSync()))
  tf.dispose(out)
  return values
}

describe.skipIf(!nativeBuilt)(nativeSuite('native SGD-momentum update'), () => {
  beforeAll(setUpNativeAndCpu)

  for (const weightDecay of [0, 5e-4]) {
    it(`is bit for bit the JavaScript kernel's on the cpu backend (weight decay ${weightDecay})`, async () => {
      const shapes = [[3, 3, 2, 4], [4], [7, 10], [1]]
      const expected = await update('cpu', shapes, weightDecay)
      let actual: number[][] = []
      const calls = await nativeCallsDuring(SGD_MOMENTUM_KERNEL, async () => {
        actual = await update('wasm', shapes, weightDecay)
      })
      expect(calls).toBe(1)
      expect(actual).toEqual(expected)
    })
  }

  it('splits a weight above two million values between the threads, with the same result', async () => {
    const shapes = [[2_200_000], [5]]
    const expected = await update('cpu', shapes, 5e-4)
    const actual = await update('wasm', shapes, 5e-4)
    expect(actual.length).toBe(4)
    actual.forEach((values, i) => expect(values.every((v, k) => v === expected[i][k])).toBe(true))
  })

  it('names the weight whose gradient does not match it', async () => {
    await tf.setBackend('wasm')
    const run = (): void => {
      tf.tidy(() => {
        tf.engine().runKernel(
          SGD_MOMENTUM_KERNEL,
          { w0: tf.zeros([3]), g0: tf.zeros([4]), b0: tf.zeros([3]) },
          { count: 1, lr: 0.1, momentum: 0.9, weightDecay: 0 }
        )
      })
    }
    expect(run).toThrow(/weight 0 has 3 values, its gradient 4, its buffer 3/)
  })
})
