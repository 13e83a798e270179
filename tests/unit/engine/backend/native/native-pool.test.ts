import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { centralDifferences, pattern, relativeError, valuesOn } from '../backend-test-utils'
import { nativeBuilt, nativeSuite, onNative, setUpNativeAndCpu } from './native-test-utils'

interface Case {
  x: [number, number, number, number]
  size: number | [number, number]
  strides: number | [number, number]
  pad: 'same' | 'valid' | number
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'same' },
  { x: [2, 7, 9, 3], size: 2, strides: 2, pad: 'same' },
  { x: [2, 7, 9, 3], size: 3, strides: 2, pad: 'same' },
  { x: [2, 7, 9, 3], size: 3, strides: 1, pad: 'same' },
  { x: [1, 9, 8, 2], size: [3, 2], strides: [2, 1], pad: 'valid' },
  { x: [1, 6, 6, 2], size: 3, strides: 2, pad: 1 },
  { x: [4, 28, 28, 16], size: 2, strides: 2, pad: 'same' },
  // Above two million window reads: runs on every thread rather than one.
  { x: [16, 28, 28, 32], size: 3, strides: 1, pad: 'valid' }
]

const label = (c: Case): string =>
  `x [${c.x}] size ${JSON.stringify(c.size)} strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`

function pooled(c: Case, max: boolean, x: tf.Tensor): tf.Tensor {
  return max
    ? tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad)
    : tf.avgPool(x as tf.Tensor4D, c.size, c.strides, c.pad)
}

/** ∂/∂x of sum(pool(x) · Q). pattern's entries are distinct, so max pooling has no ties to break. */
function poolGradient(c: Case, max: boolean): () => tf.Tensor {
  return () => {
    const x = pattern(c.x, 1)
    const q = pattern(pooled(c, max, x).shape, 3)
    return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(pooled(c, max, input), q)))(x)
  }
}

function padded(c: Case): boolean {
  const { top, bottom, left, right } = tf.backend_util.computePool2DInfo(
    c.x,
    c.size,
    c.strides,
    1,
    c.pad
  ).padInfo
  return top + bottom + left + right > 0
}

describe.skipIf(!nativeBuilt)(
  nativeSuite('native MaxPool, AvgPool and their gradients (oneDNN)'),
  () => {
    beforeAll(setUpNativeAndCpu)

    for (const c of CASES) {
      for (const max of [true, false]) {
        const kind = max ? 'MaxPool' : 'AvgPool'
        it(`${kind} matches the cpu backend: ${label(c)}`, async () => {
          const forward = (): tf.Tensor => pooled(c, max, pattern(c.x, 1))
          const expected = await valuesOn('cpu', forward)
          const { values, calls } = await onNative(kind, forward)
          expect(calls).toBe(1)
          expect(relativeError(expected, values)).toBeLessThan(1e-6)
        })

        // tfjs's cpu (and wasm) AvgPoolGrad divide every window by its full size, even where the
        // forward pass left padding out of the count; oneDNN, like TensorFlow, is the true gradient
        // (checked against finite differences below). Padded average windows are compared there.
        if (!max && padded(c)) continue
        it(`${kind}Grad matches the cpu backend: ${label(c)}`, async () => {
          const expected = await valuesOn('cpu', poolGradient(c, max))
          const { values, calls } = await onNative(`${kind}Grad`, poolGradient(c, max))
          expect(calls).toBe(1)
          expect(relativeError(expected, values)).toBeLessThan(1e-6)
        })
      }
    }

    for (const [max, c] of [
      [true, { x: [1, 5, 6, 2], size: 3, strides: 2, pad: 'same' }],
      [false, { x: [1, 5, 6, 2], size: 3, strides: 2, pad: 'same' }],
      [false, { x: [1, 7, 5, 2], size: 2, strides: 2, pad: 'same' }],
      [false, { x: [1, 6, 6, 1], size: 3, strides: 2, pad: 1 }]
    ] as [boolean, Case][]) {
      it(`${max ? 'max' : 'average'} pooling's gradient matches central finite differences: ${label(c)}`, async () => {
        await tf.setBackend('wasm')
        const q = pattern(pooled(c, max, tf.zeros(c.x)).shape, 6)
        const loss = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(pooled(c, max, x), q))
        const x = pattern(c.x, 4)
        const dx = tf.grad(loss)(x)
        // h well below the gap between neighbouring values, so no perturbation changes a window's maximum.
        expect(
          relativeError(centralDifferences(loss, x, 1e-3), dx.dataSync() as Float32Array)
        ).toBeLessThan(1e-2)
        tf.dispose([x, q, dx])
      })
    }
  }
)
