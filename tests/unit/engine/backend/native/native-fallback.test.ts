/**
 * The native kernels stay optional: a missing addon falls back to wasm, quietly unless
 * FLATLINE_KERNELS=native asked for it, in which case the warning names what is missing and the
 * backend used instead, and the run goes on. Runs whether or not the addon is built (a missing
 * one is simulated with FLATLINE_NATIVE_ADDON pointing at no file).
 */
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

type SelectBackend = typeof import('../../../../../main/engine/backend/select-backend')

async function freshModule(): Promise<SelectBackend> {
  vi.resetModules()
  return import('../../../../../main/engine/backend/select-backend')
}

const VARS = [
  'FLATLINE_BACKEND',
  'FLATLINE_KERNELS',
  'FLATLINE_NATIVE_ADDON',
  'FLATLINE_THREADS'
] as const
const MISSING = '/nonexistent/flatline_native.node'

describe('native kernel path fallback', () => {
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]))

  beforeEach(() => {
    for (const v of VARS) delete process.env[v]
  })

  afterEach(() => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v]
      else process.env[v] = saved[v]
    }
  })

  it('FLATLINE_KERNELS=native without the addon: warns naming it and the fallback, and the run goes on', async () => {
    process.env.FLATLINE_KERNELS = 'native'
    process.env.FLATLINE_NATIVE_ADDON = MISSING
    const m = await freshModule()
    const warnings: string[] = []
    expect(await m.initBackend({ warn: (line) => warnings.push(line) })).toBe('wasm')
    expect(warnings[0]).toMatch(
      /^FLATLINE_KERNELS=native requested, but the native oneDNN kernels could not be loaded: FLATLINE_NATIVE_ADDON=\/nonexistent\/flatline_native.node: no such file\. Build it with `npm run build:native`.* Falling back to wasm's own kernels/
    )
    // The backend line, which logs and run records carry, says so too.
    expect(m.backendDescription()).toMatch(
      /^wasm \((SIMD|no SIMD), \d+ threads?\) \[FLATLINE_KERNELS=native requested but not available: FLATLINE_NATIVE_ADDON=\/nonexistent\/flatline_native.node: no such file\..*; fell back\]$/
    )
    // The run goes on, on wasm.
    const y = tf.conv2d(
      tf.ones([1, 4, 4, 1]) as tf.Tensor4D,
      tf.ones([3, 3, 1, 1]) as tf.Tensor4D,
      1,
      'same'
    )
    expect(Array.from(y.dataSync()).slice(0, 2)).toEqual([4, 6])
    y.dispose()
  })

  it('without FLATLINE_KERNELS, a missing addon falls back quietly (debug only)', async () => {
    process.env.FLATLINE_NATIVE_ADDON = MISSING
    const m = await freshModule()
    const warnings: string[] = []
    const debug: string[] = []
    expect(
      await m.initBackend({ warn: (l) => warnings.push(l), debug: (l) => debug.push(l) })
    ).toBe('wasm')
    expect(warnings).toEqual([])
    expect(
      debug.some((l) =>
        l.startsWith('tensor backend wasm-native unavailable: FLATLINE_NATIVE_ADDON=')
      )
    ).toBe(true)
  })

  it('FLATLINE_KERNELS=wasm skips the native kernels without a warning', async () => {
    process.env.FLATLINE_KERNELS = 'wasm'
    const m = await freshModule()
    const warnings: string[] = []
    const debug: string[] = []
    expect(
      await m.initBackend({ warn: (l) => warnings.push(l), debug: (l) => debug.push(l) })
    ).toBe('wasm')
    expect(warnings).toEqual([])
    expect(debug).toContain(
      'tensor backend wasm-native unavailable: switched off by FLATLINE_KERNELS=wasm'
    )
  })

  it('rejects an unknown FLATLINE_KERNELS value, naming the valid ones', async () => {
    process.env.FLATLINE_KERNELS = 'onednn'
    const m = await freshModule()
    await expect(m.initBackend()).rejects.toThrow(
      "FLATLINE_KERNELS='onednn' is not a kernel path; use native or wasm, or unset it to choose automatically."
    )
  })
})
