import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { pattern, relativeError, valuesOn } from '../backend-test-utils'
import { convLabel, type ConvCase as Case } from '../conv-cases'
import {
  nativeBuilt,
  nativeCallsDuring,
  nativeSuite,
  onNative,
  setUpNativeAndCpu
} from './native-test-utils'

const CASES: Case[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 1], w: [3, 3, 1, 16], strides: 1, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 2, 3, 4], strides: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], w: [5, 5, 2, 3], strides: [2, 1], pad: 'same' },
  { x: [2, 7, 7, 3], w: [3, 3, 3, 2], strides: 2, pad: 1 },
  { x: [1, 9, 8, 2], w: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  {
    x: [2, 6, 7, 3],
    w: [3, 3, 3, 2],
    strides: 2,
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0]
    ]
  },
  { x: [2, 6, 6, 5], w: [1, 1, 5, 7], strides: 2, pad: 'valid' },
  // Above two million multiply-adds: runs on every thread rather than one.
  { x: [1, 16, 16, 32], w: [3, 3, 32, 64], strides: 1, pad: 'same' }
]

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const

describe.skipIf(!nativeBuilt)(
  nativeSuite('native Conv2D, FusedConv2D and depthwise forward (oneDNN)'),
  () => {
    beforeAll(setUpNativeAndCpu)

    for (const c of CASES) {
      it(`Conv2D matches the cpu backend: ${convLabel(c)}`, async () => {
        const conv = (): tf.Tensor =>
          tf.conv2d(
            pattern(c.x, 1) as tf.Tensor4D,
            pattern(c.w, 2) as tf.Tensor4D,
            c.strides,
            c.pad,
            'NHWC',
            c.dilations ?? 1
          )
        const expected = await valuesOn('cpu', conv)
        const { values, calls } = await onNative('Conv2D', conv)
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })
    }

    for (const activation of ACTIVATIONS) {
      it(`FusedConv2D with bias and ${activation} matches the cpu backend`, async () => {
        const fused = (): tf.Tensor =>
          tf.fused.conv2d({
            x: pattern([2, 6, 5, 3], 3) as tf.Tensor4D,
            filter: pattern([3, 3, 3, 4], 4) as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: pattern([4], 5),
            activation,
            leakyreluAlpha: 0.3
          })
        const expected = await valuesOn('cpu', fused)
        const { values, calls } = await onNative('FusedConv2D', fused)
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })
    }

    it('hands FusedConv2D with PReLU to the wasm kernel, which still gets it right', async () => {
      const prelu = (): tf.Tensor =>
        tf.fused.conv2d({
          x: pattern([1, 5, 5, 2], 1) as tf.Tensor4D,
          filter: pattern([3, 3, 2, 3], 2) as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          activation: 'prelu',
          preluActivationWeights: pattern([3], 3)
        })
      const expected = await valuesOn('cpu', prelu)
      const { values, calls } = await onNative('FusedConv2D', prelu)
      expect(calls).toBe(0)
      expect(relativeError(expected, values)).toBeLessThan(1e-5)
    })

    for (const [x, multiplier, strides, pad] of [
      [[2, 7, 9, 3], 1, 1, 'same'],
      [[2, 7, 9, 3], 2, 2, 'same'],
      [[1, 8, 8, 4], 1, 2, 'valid']
    ] as [[number, number, number, number], number, number, 'same' | 'valid'][]) {
      it(`DepthwiseConv2dNative matches the cpu backend: x [${x}] multiplier ${multiplier} strides ${strides} ${pad}`, async () => {
        const depthwise = (): tf.Tensor =>
          tf.depthwiseConv2d(
            pattern(x, 1) as tf.Tensor4D,
            pattern([3, 3, x[3], multiplier], 2) as tf.Tensor4D,
            strides,
            pad
          )
        const expected = await valuesOn('cpu', depthwise)
        const { values, calls } = await onNative('DepthwiseConv2dNative', depthwise)
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })
    }

    it('FusedDepthwiseConv2D with bias and relu matches the cpu backend', async () => {
      const fused = (): tf.Tensor =>
        tf.fused.depthwiseConv2d({
          x: pattern([2, 6, 6, 3], 1) as tf.Tensor4D,
          filter: pattern([3, 3, 3, 2], 2) as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          bias: pattern([6], 3),
          activation: 'relu'
        })
      const expected = await valuesOn('cpu', fused)
      const { values, calls } = await onNative('FusedDepthwiseConv2D', fused)
      expect(calls).toBe(1)
      expect(relativeError(expected, values)).toBeLessThan(1e-5)
    })

    it('hands NCHW to the wasm kernel', async () => {
      await tf.setBackend('wasm')
      const x = pattern([1, 2, 5, 5]) as tf.Tensor4D
      const w = pattern([3, 3, 2, 2]) as tf.Tensor4D
      // wasm has no NCHW conv: reaching it (its own error) proves the native kernel stood aside.
      const calls = await nativeCallsDuring('Conv2D', async () => {
        expect(() => tf.conv2d(x, w, 1, 'same', 'NCHW')).toThrow()
      })
      expect(calls).toBe(0)
      tf.dispose([x, w])
    })

    it('leaks no tensor', async () => {
      await tf.setBackend('wasm')
      const x = pattern([2, 5, 5, 3]) as tf.Tensor4D
      const w = pattern([3, 3, 3, 4]) as tf.Tensor4D
      const before = tf.memory().numTensors
      const y = tf.conv2d(x, w, 1, 'same')
      expect(tf.memory().numTensors).toBe(before + 1)
      y.dispose()
      expect(tf.memory().numTensors).toBe(before)
      tf.dispose([x, w])
    })
  }
)
