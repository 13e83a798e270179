import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmOneHotFix } from '../../../../main/engine/backend/wasm-one-hot'
import { setUpWasmAndCpu, valuesOn } from './backend-test-utils'

const CASES: { name: string; run: () => tf.Tensor }[] = [
  {
    name: 'float32 0/1',
    run: () => tf.oneHot(tf.tensor1d([0, 2, -1, 5], 'int32'), 3, 1, 0, 'float32')
  },
  {
    name: 'float32 label smoothing',
    run: () => tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3, 0.9, 0.05, 'float32')
  },
  { name: 'int32 default', run: () => tf.oneHot(tf.tensor1d([1, 0, 2], 'int32'), 3) },
  { name: 'int32 custom values', run: () => tf.oneHot(tf.tensor1d([1, 0, 2], 'int32'), 4, 7, -2) },
  {
    name: 'rank-2 indices',
    run: () =>
      tf.oneHot(
        tf.tensor2d(
          [
            [0, 1],
            [2, 0]
          ],
          [2, 2],
          'int32'
        ),
        3,
        1,
        0,
        'float32'
      )
  }
]

describe('wasm OneHot fix', () => {
  beforeAll(setUpWasmAndCpu)

  it('replaces the native kernel once', () => {
    expect(registerWasmOneHotFix()).toBe(false)
  })

  for (const c of CASES) {
    it(`gives exactly the cpu values: ${c.name}`, async () => {
      const expected = await valuesOn('cpu', c.run)
      const actual = await valuesOn('wasm', c.run)
      expect(Array.from(actual)).toEqual(Array.from(expected))
    })
  }

  it('reports the requested dtype', async () => {
    await tf.setBackend('wasm')
    const out = tf.tidy(() => tf.oneHot(tf.tensor1d([1], 'int32'), 2, 1, 0, 'float32'))
    expect(out.dtype).toBe('float32')
    expect(Array.from(out.dataSync())).toEqual([0, 1])
    out.dispose()
  })

  it('leaks no tensor and no backend data', async () => {
    await tf.setBackend('wasm')
    const indices = tf.tensor1d([0, 1, 2], 'int32')
    const before = tf.memory().numTensors
    tf.env().set('IS_TEST', true)
    try {
      const out = tf.oneHot(indices, 3, 0.8, 0.1, 'float32')
      expect(tf.memory().numTensors).toBe(before + 1)
      out.dispose()
    } finally {
      tf.env().set('IS_TEST', false)
    }
    expect(tf.memory().numTensors).toBe(before)
    indices.dispose()
  })
})
