import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { centralDifferences, pattern, relativeError, valuesOn } from '../backend-test-utils'
import { CONV_GRADIENT_CASES, convLabel as label, type ConvCase as Case } from '../conv-cases'
import { initNativeKernels } from '../../../../../main/engine/backend/native/init-native-kernels'
import { activeThreads } from '../../../../../main/engine/backend/select-backend'
import { nativeBuilt, nativeSuite, onNative, setUpNativeAndCpu } from './native-test-utils'

const CASES: Case[] = [
  ...CONV_GRADIENT_CASES,
  { x: [4, 14, 14, 16], w: [3, 3, 16, 32], strides: 2, pad: 'same' },
  // Above two million multiply-adds: runs on every thread rather than one.
  { x: [8, 14, 14, 16], w: [3, 3, 16, 32], strides: 1, pad: 'same' }
]

/** The loss sum(conv(x, w) · Q), whose gradients exercise both backprop kernels with dy = Q. */
function convLoss(c: Case, depthwise = false): (x: tf.Tensor, w: tf.Tensor) => tf.Scalar {
  const outShape = tf.tidy(() =>
    depthwise
      ? tf.depthwiseConv2d(
          tf.zeros(c.x) as tf.Tensor4D,
          tf.zeros(c.w) as tf.Tensor4D,
          c.strides,
          c.pad as 'same'
        ).shape
      : tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.w) as tf.Tensor4D, c.strides, c.pad)
          .shape
  )
  return (x, w) => {
    const q = pattern(outShape, 3)
    const y = depthwise
      ? tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad as 'same')
      : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad)
    return tf.sum(tf.mul(y, q))
  }
}

function gradient(c: Case, which: 0 | 1, depthwise = false): () => tf.Tensor {
  return () => tf.grads(convLoss(c, depthwise))([pattern(c.x, 1), pattern(c.w, 2)])[which]
}

describe.skipIf(!nativeBuilt)(
  nativeSuite('native conv gradients (oneDNN backward data and weights)'),
  () => {
    beforeAll(setUpNativeAndCpu)

    for (const c of CASES) {
      it(`Conv2DBackpropInput matches the cpu backend: ${label(c)}`, async () => {
        const expected = await valuesOn('cpu', gradient(c, 0))
        const { values, calls } = await onNative('Conv2DBackpropInput', gradient(c, 0))
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })

      it(`Conv2DBackpropFilter matches the cpu backend: ${label(c)}`, async () => {
        const expected = await valuesOn('cpu', gradient(c, 1))
        const { values, calls } = await onNative('Conv2DBackpropFilter', gradient(c, 1))
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })
    }

    for (const c of [
      { x: [2, 7, 9, 3], w: [3, 3, 3, 1], strides: 1, pad: 'same' },
      { x: [2, 7, 9, 3], w: [3, 3, 3, 2], strides: 2, pad: 'same' },
      { x: [1, 8, 8, 4], w: [3, 3, 4, 1], strides: 2, pad: 'valid' }
    ] as Case[]) {
      it(`DepthwiseConv2dNativeBackpropInput (absent from wasm) matches the cpu backend: ${label(c)}`, async () => {
        const expected = await valuesOn('cpu', gradient(c, 0, true))
        const { values, calls } = await onNative(
          'DepthwiseConv2dNativeBackpropInput',
          gradient(c, 0, true)
        )
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })

      it(`DepthwiseConv2dNativeBackpropFilter (absent from wasm) matches the cpu backend: ${label(c)}`, async () => {
        const expected = await valuesOn('cpu', gradient(c, 1, true))
        const { values, calls } = await onNative(
          'DepthwiseConv2dNativeBackpropFilter',
          gradient(c, 1, true)
        )
        expect(calls).toBe(1)
        expect(relativeError(expected, values)).toBeLessThan(1e-5)
      })
    }

    for (const depthwise of [false, true]) {
      const c: Case = { x: [1, 5, 6, 2], w: [3, 3, 2, depthwise ? 1 : 2], strides: 2, pad: 'same' }
      const kind = depthwise ? 'depthwise' : 'conv'
      it(`${kind} gradients match central finite differences (stride 2, same)`, async () => {
        await tf.setBackend('wasm')
        const loss = convLoss(c, depthwise)
        const x = pattern(c.x, 4)
        const w = pattern(c.w, 5)
        const [dx, dw] = tf.grads(loss)([x, w])
        expect(
          relativeError(
            centralDifferences((t) => loss(t, w), x),
            dx.dataSync() as Float32Array
          )
        ).toBeLessThan(1e-2)
        expect(
          relativeError(
            centralDifferences((t) => loss(x, t), w),
            dw.dataSync() as Float32Array
          )
        ).toBeLessThan(1e-2)
        tf.dispose([x, w, dx, dw])
      })
    }

    // Above two million multiply-adds on more than one thread, a batch the threads divide runs
    // as one-thread kernels on equal shares, summed afterwards; another batch on oneDNN's own
    // threading. Three threads (whatever the machine's cores) so both paths run here.
    for (const c of [
      { x: [6, 14, 14, 16], w: [3, 3, 16, 32], strides: 1, pad: 'same' },
      { x: [6, 28, 28, 16], w: [3, 3, 16, 16], strides: 2, pad: 'same' },
      { x: [8, 14, 14, 16], w: [3, 3, 16, 32], strides: 1, pad: 'same' },
      { x: [12, 28, 28, 32], w: [3, 3, 32, 1], strides: 1, pad: 'same', depthwise: true }
    ] as (Case & { depthwise?: boolean })[]) {
      const split = c.x[0] % 3 === 0 ? 'split over the batch' : 'threaded by oneDNN'
      it(`Conv2DBackpropFilter on 3 threads, ${split}, matches the cpu backend: ${label(c)}${c.depthwise ? ' depthwise' : ''}`, async () => {
        const expected = await valuesOn('cpu', gradient(c, 1, c.depthwise))
        initNativeKernels({ threads: 3 })
        try {
          const kernel = c.depthwise
            ? 'DepthwiseConv2dNativeBackpropFilter'
            : 'Conv2DBackpropFilter'
          const { values, calls } = await onNative(kernel, gradient(c, 1, c.depthwise))
          expect(calls).toBe(1)
          expect(relativeError(expected, values)).toBeLessThan(1e-5)
        } finally {
          initNativeKernels({ threads: activeThreads() ?? 1 })
        }
      })
    }

    it('serves conv2dTranspose like the cpu backend', async () => {
      const transpose = (): tf.Tensor =>
        tf.conv2dTranspose(
          pattern([2, 4, 5, 3]) as tf.Tensor4D,
          pattern([3, 3, 2, 3], 1) as tf.Tensor4D,
          [2, 8, 9, 2],
          2,
          'same'
        )
      const expected = await valuesOn('cpu', transpose)
      const { values, calls } = await onNative('Conv2DBackpropInput', transpose)
      expect(calls).toBe(1)
      expect(relativeError(expected, values)).toBeLessThan(1e-5)
    })

    it('rejects a dy that does not match the forward conv, naming the shapes', async () => {
      await tf.setBackend('wasm')
      const run = (): void => {
        tf.tidy(() => {
          tf.engine().runKernel(
            'Conv2DBackpropInput',
            { dy: tf.zeros([1, 4, 4, 3]), filter: tf.zeros([3, 3, 2, 3]) },
            { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 4, 4, 2] }
          )
        })
      }
      expect(run).toThrow(
        /native Conv2DBackpropInput: dy has shape \[1,4,4,3\] but .* gives \[1,2,2,3\]/
      )
    })
  }
)
