import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { shareSavedTensors } from '../../../../main/engine/backend/shared-saved-tensors'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'

/** Runs `f` with tfjs's own `engine.clone` (the prototype's), then puts ours back. */
async function withEngineClone<T>(f: () => Promise<T>): Promise<T> {
  const engine = tf.engine() as unknown as { clone?: unknown }
  const ours = engine.clone
  delete engine.clone
  try {
    return await f()
  } finally {
    engine.clone = ours
  }
}

/** A training-style loss: every kernel in it saves inputs or outputs for its gradient. */
function loss(x: tf.Tensor): tf.Scalar {
  const h = tf.relu(tf.sub(x, 0.1))
  const { mean, variance } = tf.moments(h, [0, 1])
  const y = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-3)))
  return tf.sum(tf.mul(tf.mul(y, tf.exp(tf.mul(x, 0.3))), x))
}

describe('saved tensors shared without an Identity launch', () => {
  beforeAll(async () => {
    await setUpWasmAndCpu()
    await tf.setBackend('wasm')
  })

  it('was installed once (initBackend did)', () => {
    expect(shareSavedTensors()).toBe(false)
  })

  it('records a gradient without the engine clone’s Identity launches, with the same result', async () => {
    const x = pattern([4, 5, 3], 1)
    const run = async (): Promise<{ identities: number; values: number[] }> => {
      const profile = await tf.profile(() => tf.grad(loss)(x))
      const values = Array.from(await (profile.result as tf.Tensor).data())
      tf.dispose(profile.result as tf.Tensor)
      return { identities: profile.kernels.filter((k) => k.name === 'Identity').length, values }
    }
    const ours = await run()
    const own = await withEngineClone(run)
    // Every saved tensor was one Identity; one op-level Identity (a gradient's) remains either way.
    expect(own.identities - ours.identities).toBeGreaterThan(20)
    expect(ours.values).toEqual(own.values)
    x.dispose()
  })

  it('gives the cpu backend’s gradient and finite differences, without leaking tensors', async () => {
    const f = () => tf.grad(loss)(pattern([4, 5, 3], 1))
    const expected = await valuesOn('cpu', f)
    const before = tf.memory().numTensors
    const buffers = tf.memory().numDataBuffers
    const actual = await valuesOn('wasm', f)
    expect(tf.memory().numTensors).toBe(before)
    expect(tf.memory().numDataBuffers).toBe(buffers)
    expect(relativeError(expected, actual)).toBeLessThan(1e-5)
    const x = pattern([4, 5, 3], 1)
    expect(relativeError(centralDifferences(loss, x), actual)).toBeLessThan(2e-2)
    x.dispose()
  })

  it('keeps higher-order gradients bit for bit as the engine’s clone gives them', async () => {
    // tfjs's nested gradients through saved tensors need the clone's tape node to reach x.
    const f = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(tf.mul(x, x), x), tf.exp(x))
    const second = tf.grad((x: tf.Tensor) => tf.sum(tf.grad(f)(x)) as tf.Scalar)
    const run = async (): Promise<number[]> => {
      const x = tf.tensor1d([-1.5, -0.2, 0.4, 1.3])
      const d2 = second(x)
      const values = Array.from(await d2.data())
      tf.dispose([x, d2])
      return values
    }
    const before = tf.memory().numTensors
    const ours = await run()
    expect(tf.memory().numTensors).toBe(before)
    const own = await withEngineClone(run)
    expect(ours).toEqual(own)
    expect(ours.every((v) => Number.isFinite(v) && v !== 0)).toBe(true)
  })
})
