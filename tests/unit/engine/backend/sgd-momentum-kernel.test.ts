import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { pattern, setUpWasmAndCpu } from './backend-test-utils'

beforeAll(setUpWasmAndCpu)

/** The update with plain tfjs ops, one weight at a time (the form the kernel replaces). */
function opStep(
  w: tf.Tensor,
  g: tf.Tensor,
  b: tf.Tensor,
  lr: number,
  mu: number,
  wd: number
): { w: Float32Array; b: Float32Array } {
  return tf.tidy(() => {
    const next = tf.add(tf.mul(b, mu), tf.add(g, tf.mul(w, wd)))
    return {
      w: tf.sub(w, tf.mul(next, lr)).dataSync() as Float32Array,
      b: next.dataSync() as Float32Array
    }
  })
}

describe.each(['wasm', 'cpu'] as const)('FlatlineSgdMomentum kernel (%s)', (backend) => {
  it('updates every weight and buffer in one launch, bit for bit as the op-by-op update, leaking nothing', async () => {
    await tf.setBackend(backend)
    const shapes = [[3, 3, 2, 4], [4], [7, 10]]
    const vars = new Map(
      shapes.map((s, i) => [`v${i}`, tf.variable(pattern(s, i))] as [string, tf.Variable])
    )
    const sgd = new SgdMomentum(0.9, 5e-4)
    let expectedBuffers: Float32Array[] = shapes.map(
      (s) => new Float32Array(tf.util.sizeFromShape(s))
    )
    for (let step = 0; step < 3; step++) {
      const grads = new Map(
        [...vars].map(
          ([name, v], i) =>
            [name, tf.tidy(() => tf.mul(pattern(v.shape, 10 + i + step), 0.3))] as [
              string,
              tf.Tensor
            ]
        )
      )
      const expected = [...vars].map(([name, v], i) =>
        opStep(v, grads.get(name)!, tf.tensor(expectedBuffers[i], v.shape), 0.05, 0.9, 5e-4)
      )
      const tensorsBefore = tf.memory().numTensors
      const profile = await tf.profile(() => sgd.step(vars, grads, 0.05))
      // The first step also zero-fills the momentum buffers.
      expect(profile.kernelNames).toEqual(
        step === 0 ? ['ZerosLike', 'FlatlineSgdMomentum'] : ['FlatlineSgdMomentum']
      )
      // The first step makes the momentum buffers (one per weight); later steps allocate nothing that stays.
      expect(tf.memory().numTensors).toBe(tensorsBefore + (step === 0 ? shapes.length : 0))
      ;[...vars.values()].forEach((v, i) =>
        expect(Array.from(v.dataSync())).toEqual(Array.from(expected[i].w))
      )
      expectedBuffers = expected.map((e) => e.b)
      tf.dispose([...grads.values()])
    }
    expect(Array.from(sgd.state(vars).get('v2')!.dataSync())).toEqual(
      Array.from(expectedBuffers[2])
    )
    sgd.dispose()
    tf.dispose([...vars.values()])
  })
})
