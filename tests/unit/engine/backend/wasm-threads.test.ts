import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { backendDescription, initBackend } from '../../../../main/engine/backend/select-backend'
import { machineCores } from '../../../../main/engine/backend/thread-count'
import { pattern, valuesOn } from './backend-test-utils'
import '@tensorflow/tfjs-backend-cpu'

// The threaded SIMD build under Node: worker scripts from files instead of blob: URLs (wasm-threads.ts).
describe.skipIf(machineCores() < 2)('wasm on two threads', () => {
  it('starts the threaded build, says so, and computes what the cpu backend computes', async () => {
    expect(await initBackend({ prefer: ['wasm'], threads: 2 })).toBe('wasm')
    expect(backendDescription()).toBe('wasm (SIMD, 2 threads)')
    // Large enough that XNNPACK splits the work over both threads.
    const conv = () =>
      tf.conv2d(
        pattern([8, 16, 16, 8]) as tf.Tensor4D,
        pattern([3, 3, 8, 16], 1) as tf.Tensor4D,
        1,
        'same'
      )
    const onWasm = await valuesOn('wasm', conv)
    const onCpu = await valuesOn('cpu', conv)
    for (let i = 0; i < onCpu.length; i++) expect(onWasm[i]).toBeCloseTo(onCpu[i], 3)
    const matmul = () =>
      tf.matMul(pattern([64, 96]) as tf.Tensor2D, pattern([96, 80], 2) as tf.Tensor2D)
    const mmWasm = await valuesOn('wasm', matmul)
    const mmCpu = await valuesOn('cpu', matmul)
    for (let i = 0; i < mmCpu.length; i++) expect(mmWasm[i]).toBeCloseTo(mmCpu[i], 3)
  })
})
