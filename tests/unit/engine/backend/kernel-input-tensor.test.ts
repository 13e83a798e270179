import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { kernelInput, kernelInputTensor } from '../../../../main/engine/backend/kernel-input-tensor'
import { setUpWasmAndCpu } from './backend-test-utils'

describe('kernelInputTensor', () => {
  beforeAll(setUpWasmAndCpu)

  for (const backendName of ['wasm', 'cpu'] as const) {
    it(`returns a tensor as it is (${backendName})`, async () => {
      await tf.setBackend(backendName)
      const t = tf.tensor1d([1, 2, 3])
      expect(kernelInputTensor(t, tf.backend())).toBe(t)
      t.dispose()
    })

    it(`wraps a bare TensorInfo so disposing the wrapper keeps the data (${backendName})`, async () => {
      await tf.setBackend(backendName)
      const t = tf.tensor1d([1, 2, 3])
      const before = tf.memory().numTensors
      const wrapper = kernelInputTensor(
        { dataId: t.dataId, shape: t.shape, dtype: t.dtype },
        tf.backend()
      )
      expect(wrapper).not.toBe(t)
      expect(Array.from(wrapper.dataSync())).toEqual([1, 2, 3])
      expect(tf.memory().numTensors).toBe(before + 1)
      wrapper.dispose()
      expect(tf.memory().numTensors).toBe(before)
      expect(Array.from(t.dataSync())).toEqual([1, 2, 3])
      t.dispose()
    })
  }
})

describe('kernelInput', () => {
  it('names the kernel and the missing input', () => {
    expect(() => kernelInput({ x: undefined }, 'dy', 'MyKernel')).toThrow(
      "Error in MyKernel: input 'dy' is missing; got inputs [x]."
    )
  })
})
