import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { centralDifferences, pattern, relativeError, valuesOn } from '../backend-test-utils'
import { nativeBuilt, nativeSuite, onNative, setUpNativeAndCpu } from './native-test-utils'

interface Case {
  a: number[]
  b: number[]
  transposeA: boolean
  transposeB: boolean
}

const CASES: Case[] = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [4, 5, 7], b: [4, 7, 3], transposeA: false, transposeB: false },
  { a: [4, 7, 5], b: [4, 3, 7], transposeA: true, transposeB: true },
  { a: [4, 5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [5, 7], b: [4, 7, 3], transposeA: false, transposeB: false },
  { a: [2, 3, 5, 7], b: [2, 3, 7, 4], transposeA: false, transposeB: false },
  { a: [64, 256], b: [256, 10], transposeA: false, transposeB: false },
  { a: [64, 256], b: [64, 10], transposeA: true, transposeB: false },
  // Above two million multiply-adds: runs on every thread rather than one.
  { a: [256, 512], b: [64, 512], transposeA: false, transposeB: true }
]

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const

describe.skipIf(!nativeBuilt)(nativeSuite('native BatchMatMul and _FusedMatMul (oneDNN)'), () => {
  beforeAll(setUpNativeAndCpu)

  for (const c of CASES) {
    it(`BatchMatMul matches the cpu backend: a [${c.a}]${c.transposeA ? 'ᵀ' : ''} b [${c.b}]${c.transposeB ? 'ᵀ' : ''}`, async () => {
      const product = (): tf.Tensor =>
        tf.matMul(pattern(c.a, 1), pattern(c.b, 2), c.transposeA, c.transposeB)
      const expected = await valuesOn('cpu', product)
      const { values, calls } = await onNative('BatchMatMul', product)
      expect(calls).toBe(1)
      expect(relativeError(expected, values)).toBeLessThan(1e-5)
    })
  }

  for (const activation of ACTIVATIONS) {
    it(`_FusedMatMul with bias and ${activation} matches the cpu backend`, async () => {
      const fused = (): tf.Tensor =>
        tf.fused.matMul({
          a: pattern([6, 9], 1),
          b: pattern([4, 9], 2),
          transposeB: true,
          bias: pattern([4], 3),
          activation,
          leakyreluAlpha: 0.3
        })
      const expected = await valuesOn('cpu', fused)
      const { values, calls } = await onNative('_FusedMatMul', fused)
      expect(calls).toBe(1)
      expect(relativeError(expected, values)).toBeLessThan(1e-5)
    })
  }

  it('hands PReLU to the wasm kernel, which still gets it right', async () => {
    const prelu = (): tf.Tensor =>
      tf.fused.matMul({
        a: pattern([6, 9], 1),
        b: pattern([9, 4], 2),
        bias: pattern([4], 3),
        activation: 'prelu',
        preluActivationWeights: pattern([4], 4)
      })
    const expected = await valuesOn('cpu', prelu)
    const { values, calls } = await onNative('_FusedMatMul', prelu)
    expect(calls).toBe(0)
    expect(relativeError(expected, values)).toBeLessThan(1e-5)
  })

  it('gradients of a matmul match central finite differences', async () => {
    await tf.setBackend('wasm')
    const q = pattern([4, 3], 6)
    const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.matMul(a, b), q))
    const a = pattern([4, 5], 4)
    const b = pattern([5, 3], 5)
    const [da, db] = tf.grads(loss)([a, b])
    expect(
      relativeError(
        centralDifferences((t) => loss(t, b), a),
        da.dataSync() as Float32Array
      )
    ).toBeLessThan(1e-2)
    expect(
      relativeError(
        centralDifferences((t) => loss(a, t), b),
        db.dataSync() as Float32Array
      )
    ).toBeLessThan(1e-2)
    tf.dispose([a, b, q, da, db])
  })
})
