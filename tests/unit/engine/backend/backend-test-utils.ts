/**
 * Helpers for tests that run the same computation on the wasm and cpu backends.
 *
 * `setUpWasmAndCpu` goes through the real `initBackend` (wasm paths, kernel registration), loads
 * the cpu backend beside it, and registers tfjs-core's gradients, which its Node entry leaves out.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-cpu'
import { initBackend } from '../../../../main/engine/backend/select-backend'

export async function setUpWasmAndCpu(): Promise<void> {
  const chosen = await initBackend({ prefer: ['wasm'] })
  if (chosen !== 'wasm') throw new Error(`expected the wasm backend, got ${chosen}`)
}

/** Runs `f` on the named backend and returns its result's values (all tensors made are disposed). */
export async function valuesOn(backend: 'wasm' | 'cpu', f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend)
  const result = tf.tidy(f)
  const values = Float32Array.from(await result.data())
  result.dispose()
  return values
}

/** A deterministic, non-trivial tensor of the given shape (no RNG, so both backends see the same). */
export function pattern(shape: number[], phase = 0): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(
    Array.from(
      { length: size },
      (_, i) => Math.sin(i * 0.731 + phase) + 0.3 * Math.cos(i * 1.37 + 2 * phase)
    ),
    shape
  )
}

/** max |a − b| / max(1, max |a|): a relative error that does not blow up on near-zero entries. */
export function relativeError(expected: Float32Array, actual: Float32Array): number {
  if (expected.length !== actual.length) return Infinity
  let diff = 0
  let scale = 1
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(expected[i] - actual[i]))
    scale = Math.max(scale, Math.abs(expected[i]))
  }
  return diff / scale
}

/**
 * Central finite differences of a scalar function of one tensor, at every entry.
 *
 * float32 loses about 1e-7 relative per operation, so h ≈ 1e-2 keeps the rounding in
 * (f(x+h) − f(x−h)) / 2h small next to a 1e-2 tolerance.
 */
export function centralDifferences(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  h = 1e-2
): Float32Array {
  const base = x.dataSync()
  const out = new Float32Array(base.length)
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number): number =>
      tf.tidy(() => {
        const shifted = Float32Array.from(base)
        shifted[i] += delta
        return f(tf.tensor(shifted, x.shape)).dataSync()[0]
      })
    out[i] = (at(h) - at(-h)) / (2 * h)
  }
  return out
}
