/**
 * Allocating a native kernel's output can grow the wasm memory, which detaches the ArrayBuffer
 * the inputs were seen through: the kernel must read the heap only after allocating.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { heapBytes } from '../../../../../main/engine/backend/native/wasm-heap'
import { nativeBuilt, nativeCallsDuring, nativeSuite, setUpNativeAndCpu } from './native-test-utils'

describe.skipIf(!nativeBuilt)(nativeSuite('native kernels and a growing wasm heap'), () => {
  beforeAll(setUpNativeAndCpu)

  it('computes correctly when allocating the output grows the memory', async () => {
    await tf.setBackend('wasm')
    const backend = tf.backend() as BackendWasm
    const before = heapBytes(backend)
    // An outer product whose output is larger than the whole heap so far forces a grow.
    const rows = 1024
    const cols = Math.ceil(before.length / 4 / rows) + 1024
    const a = tf.tensor2d(
      Float32Array.from({ length: rows }, (_, i) => i + 1),
      [rows, 1]
    )
    const b = tf.tensor2d(
      Float32Array.from({ length: cols }, (_, j) => (j % 7) - 3),
      [1, cols]
    )
    let out: tf.Tensor | undefined
    const calls = await nativeCallsDuring('BatchMatMul', async () => {
      out = tf.matMul(a, b)
    })
    expect(calls).toBe(1)
    const after = heapBytes(backend)
    expect(after.buffer).not.toBe(before.buffer)
    expect(after.length).toBeGreaterThan(before.length)
    const values = (out as tf.Tensor).dataSync()
    for (const [i, j] of [
      [0, 0],
      [rows - 1, cols - 1],
      [517, 12345 % cols],
      [rows - 1, 3]
    ]) {
      expect(values[i * cols + j]).toBe((i + 1) * ((j % 7) - 3))
    }
    tf.dispose([a, b, out as tf.Tensor])
  })
})
