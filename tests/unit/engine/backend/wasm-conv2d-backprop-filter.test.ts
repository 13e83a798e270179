import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmConv2DBackpropFilter } from '../../../../main/engine/backend/wasm-conv2d-backprop-filter'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'
import { CONV_GRADIENT_CASES as CASES, type ConvCase as Case } from './conv-cases'

/** ∂/∂w of sum(conv2d(x, w) · Q): the filter gradient for upstream gradient Q. */
function filterGradient(c: Case): tf.Tensor {
  const x = pattern(c.x, 1) as tf.Tensor4D
  const w = pattern(c.w, 2) as tf.Tensor4D
  const outShape = tf.conv2d(x, w, c.strides, c.pad).shape
  const q = pattern(outShape, 3)
  return tf.grad((filter: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(x, filter as tf.Tensor4D, c.strides, c.pad), q))
  )(w)
}

describe('wasm Conv2DBackpropFilter', () => {
  beforeAll(setUpWasmAndCpu)

  it('is registered for wasm, once', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
    expect(registerWasmConv2DBackpropFilter()).toBe(false)
  })

  for (const c of CASES) {
    it(`matches the cpu backend: x [${c.x}] w [${c.w}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`, async () => {
      const expected = await valuesOn('cpu', () => filterGradient(c))
      const actual = await valuesOn('wasm', () => filterGradient(c))
      expect(relativeError(expected, actual)).toBeLessThan(1e-5)
    })
  }

  it('matches central finite differences (stride 2, same)', async () => {
    await tf.setBackend('wasm')
    const x = pattern([1, 5, 6, 2], 4) as tf.Tensor4D
    const w = pattern([3, 3, 2, 2], 5) as tf.Tensor4D
    const q = pattern([1, 3, 3, 2], 6)
    const loss = (filter: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(tf.conv2d(x, filter as tf.Tensor4D, 2, 'same'), q))
    const analytic = tf.grad(loss)(w)
    const numeric = centralDifferences(loss, w)
    expect(relativeError(numeric, analytic.dataSync() as Float32Array)).toBeLessThan(1e-2)
    tf.dispose([x, w, q, analytic])
  })

  it('leaks no tensor and no backend data', async () => {
    await tf.setBackend('wasm')
    const x = pattern([2, 7, 7, 3]) as tf.Tensor4D
    const w = pattern([3, 3, 3, 4]) as tf.Tensor4D
    const before = tf.memory().numTensors
    const grad = tf.grad((filter: tf.Tensor) =>
      tf.sum(tf.conv2d(x, filter as tf.Tensor4D, 2, 'same'))
    )(w)
    expect(tf.memory().numTensors).toBe(before + 1)
    grad.dispose()
    expect(tf.memory().numTensors).toBe(before)

    // With IS_TEST the engine checks each kernel creates exactly its outputs' backend data.
    const dy = pattern([2, 4, 4, 4]) as tf.Tensor4D
    tf.env().set('IS_TEST', true)
    try {
      const dw = tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 2,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 3, 4]
        }
      ) as tf.Tensor
      expect(dw.shape).toEqual([3, 3, 3, 4])
      expect(tf.memory().numTensors).toBe(before + 2)
      dw.dispose()
    } finally {
      tf.env().set('IS_TEST', false)
    }
    tf.dispose([x, w, dy])
  })

  it('accepts bare TensorInfo inputs and leaves their data alive', async () => {
    await tf.setBackend('wasm')
    const x = pattern([1, 4, 4, 2]) as tf.Tensor4D
    const dy = pattern([1, 4, 4, 3]) as tf.Tensor4D
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }
    const viaTensors = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor
    const bare = (t: tf.Tensor): tf.TensorInfo => ({
      dataId: t.dataId,
      shape: t.shape,
      dtype: t.dtype
    })
    const viaInfos = tf.engine().runKernel(
      'Conv2DBackpropFilter',
      // The typings say Tensor; the engine accepts any TensorInfo, which is the case under test.
      { x: bare(x), dy: bare(dy) } as unknown as tf.NamedTensorMap,
      attrs
    ) as tf.Tensor
    expect(Array.from(viaInfos.dataSync())).toEqual(Array.from(viaTensors.dataSync()))
    expect(x.dataSync().length).toBe(32)
    expect(dy.dataSync().length).toBe(48)
    tf.dispose([x, dy, viaTensors, viaInfos])
  })

  describe('rejects what it cannot compute, naming the problem', () => {
    const run = (attrs: Record<string, unknown>, dyShape = [1, 4, 4, 3]): (() => void) => {
      return () =>
        tf.tidy(() => {
          const x = tf.zeros([1, 4, 4, 2])
          const dy = tf.zeros(dyShape)
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            strides: 1,
            pad: 'same',
            dataFormat: 'NHWC',
            filterShape: [3, 3, 2, 3],
            ...attrs
          } as unknown as tf.NamedAttrMap)
        })
    }

    it('NCHW data', async () => {
      await tf.setBackend('wasm')
      expect(run({ dataFormat: 'NCHW' })).toThrow(/dataFormat 'NCHW' is not supported; use 'NHWC'/)
    })

    it('a dy that does not match the forward conv', async () => {
      await tf.setBackend('wasm')
      expect(run({ strides: 2 })).toThrow(/dy has shape \[1,4,4,3\] but .* gives \[1,2,2,3\]/)
    })

    it('a filter whose input channels differ from x', async () => {
      await tf.setBackend('wasm')
      expect(run({ filterShape: [3, 3, 5, 3] })).toThrow(
        /filterShape \[3,3,5,3\] has 5 input channels but x has 2/
      )
    })
  })
})
