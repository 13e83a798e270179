import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmSharedIdentity } from '../../../../main/engine/backend/wasm-shared-identity'
import { pattern, relativeError, setUpWasmAndCpu, valuesOn } from './backend-test-utils'

describe('wasm Identity and same-dtype Cast without copies', () => {
  beforeAll(async () => {
    await setUpWasmAndCpu()
    await tf.setBackend('wasm')
  })

  it('replaced both kernels once (initBackend did)', () => {
    expect(registerWasmSharedIdentity()).toEqual([])
  })

  it('shares the input buffer, and each tensor keeps its values after the other is disposed', async () => {
    const x = tf.tensor([1.5, -2, 3], [3])
    const buffers = tf.memory().numDataBuffers
    const copies = [
      tf.clone(x),
      tf.cast(x, 'float32'),
      tf.engine().runKernel(tf.Identity, { x }) as tf.Tensor
    ]
    expect(copies.map((c) => c.dataId)).toEqual([x.dataId, x.dataId, x.dataId])
    expect(tf.memory().numDataBuffers).toBe(buffers)
    x.dispose()
    for (const c of copies.slice(1)) expect(Array.from(await c.data())).toEqual([1.5, -2, 3])
    copies[0].dispose()
    copies[1].dispose()
    expect(Array.from(await copies[2].data())).toEqual([1.5, -2, 3])
    copies[2].dispose()
    expect(tf.memory().numDataBuffers).toBe(buffers - 1)
  })

  it('still converts a cast between dtypes, and copies strings', async () => {
    const x = tf.tensor([1.7, -2.2, 0], [3])
    const asInt = tf.cast(x, 'int32')
    expect(asInt.dataId).not.toBe(x.dataId)
    expect(Array.from(await asInt.data())).toEqual([1, -2, 0])
    const back = tf.cast(asInt, 'int32')
    expect(back.dataId).toBe(asInt.dataId)
    const s = tf.tensor(['a', 'b'])
    expect(await tf.clone(s).data()).toEqual(['a', 'b'])
    tf.dispose([x, asInt, back, s])
  })

  it('gives the relu and batch-moment gradients the cpu backend gives, without leaking tensors', async () => {
    const f = () =>
      tf.grad((x: tf.Tensor) => {
        const h = tf.relu(tf.sub(x, 0.1))
        const { mean, variance } = tf.moments(h, [0, 1])
        return tf.sum(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-3))), x))
      })(pattern([4, 5, 3], 1))
    const expected = await valuesOn('cpu', f)
    const before = tf.memory().numTensors
    const actual = await valuesOn('wasm', f)
    expect(tf.memory().numTensors).toBe(before)
    expect(relativeError(expected, actual)).toBeLessThan(1e-5)
  })
})
