import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmUnsortedSegmentSum } from '../../../../main/engine/backend/wasm-unsorted-segment-sum'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'

describe('wasm UnsortedSegmentSum', () => {
  beforeAll(setUpWasmAndCpu)

  it('is registered for wasm, once', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined()
    expect(registerWasmUnsortedSegmentSum()).toBe(false)
  })

  it('sums rows by segment, dropping ids outside [0, numSegments)', async () => {
    await tf.setBackend('wasm')
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8]
        ]),
        tf.tensor1d([2, 0, 2, 7], 'int32'),
        3
      )
    )
    expect(out.shape).toEqual([3, 2])
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8])
    out.dispose()
  })

  it('keeps int32 values and dtype', async () => {
    await tf.setBackend('wasm')
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(tf.tensor1d([5, -2, 9], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2)
    )
    expect(out.dtype).toBe('int32')
    expect(Array.from(out.dataSync())).toEqual([9, 3])
    out.dispose()
  })

  it('matches the cpu backend on a rank-3 input', async () => {
    const run = (): tf.Tensor =>
      tf.unsortedSegmentSum(pattern([6, 3, 4]), tf.tensor1d([0, 4, 1, 0, 4, 3], 'int32'), 5)
    expect(relativeError(await valuesOn('cpu', run), await valuesOn('wasm', run))).toBeLessThan(
      1e-6
    )
  })

  // The reason we need the kernel: tfjs-core's gather gradient is an unsortedSegmentSum.
  const pickLoss = (logits: tf.Tensor): tf.Scalar => {
    const flat = tf.reshape(tf.logSoftmax(logits as tf.Tensor2D), [-1])
    const picked = tf.gather(flat, tf.tensor1d([1, 4 + 3, 8 + 0, 12 + 1, 1], 'int32'))
    return tf.neg(tf.mean(picked)) as tf.Scalar
  }

  it('gives gather its gradient, as on cpu', async () => {
    const grad = (): tf.Tensor => tf.grad(pickLoss)(pattern([4, 4]))
    expect(relativeError(await valuesOn('cpu', grad), await valuesOn('wasm', grad))).toBeLessThan(
      1e-6
    )
  })

  it('gives gather the gradient central finite differences give', async () => {
    await tf.setBackend('wasm')
    const logits = pattern([4, 4], 1)
    const analytic = tf.grad(pickLoss)(logits)
    const numeric = centralDifferences(pickLoss, logits)
    expect(relativeError(numeric, analytic.dataSync() as Float32Array)).toBeLessThan(1e-2)
    tf.dispose([logits, analytic])
  })

  it('leaks no tensor and no backend data', async () => {
    await tf.setBackend('wasm')
    const x = pattern([5, 3])
    const ids = tf.tensor1d([0, 1, 1, 2, 0], 'int32')
    const before = tf.memory().numTensors
    tf.env().set('IS_TEST', true)
    try {
      const out = tf
        .engine()
        .runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 3 }) as tf.Tensor
      expect(tf.memory().numTensors).toBe(before + 1)
      out.dispose()
    } finally {
      tf.env().set('IS_TEST', false)
    }
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, ids])
  })

  describe('rejects bad input, naming the problem', () => {
    const run = (x: () => tf.Tensor, ids: () => tf.Tensor, numSegments: number) => () =>
      tf.tidy(() => {
        tf.engine().runKernel('UnsortedSegmentSum', { x: x(), segmentIds: ids() }, { numSegments })
      })

    it('segment ids that do not match the leading dimensions of x', async () => {
      await tf.setBackend('wasm')
      const bad = run(
        () => tf.zeros([4, 2]),
        () => tf.tensor1d([0, 1, 0], 'int32'),
        2
      )
      expect(bad).toThrow(/segmentIds shape \[3\] must equal the leading dimensions of x \[4,2\]/)
    })

    it('a negative or fractional numSegments', async () => {
      await tf.setBackend('wasm')
      const bad = run(
        () => tf.zeros([2]),
        () => tf.tensor1d([0, 1], 'int32'),
        1.5
      )
      expect(bad).toThrow(/numSegments must be a non-negative integer; got 1.5/)
    })

    it('float segment ids', async () => {
      await tf.setBackend('wasm')
      const bad = run(
        () => tf.zeros([2]),
        () => tf.tensor1d([0, 1], 'float32'),
        2
      )
      expect(bad).toThrow(/segmentIds must be int32; got float32/)
    })
  })
})
