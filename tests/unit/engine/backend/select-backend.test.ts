import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nativeBuilt } from './native/native-test-utils'

type SelectBackend = typeof import('../../../../main/engine/backend/select-backend')

/** A fresh copy of the module, so each test starts with no active backend. */
async function freshModule(): Promise<SelectBackend> {
  vi.resetModules()
  return import('../../../../main/engine/backend/select-backend')
}

describe('initBackend', () => {
  const saved = process.env.FLATLINE_BACKEND

  beforeEach(() => {
    delete process.env.FLATLINE_BACKEND
  })

  afterEach(() => {
    if (saved === undefined) delete process.env.FLATLINE_BACKEND
    else process.env.FLATLINE_BACKEND = saved
  })

  it('picks wasm here (with the native kernels when the addon is built), as neither tfjs-node package is installed', async () => {
    const m = await freshModule()
    expect(m.activeBackendName()).toBeUndefined()
    expect(m.backendDescription()).toMatch(/initBackend has not run/)
    const lines: string[] = []
    const expected = nativeBuilt ? 'wasm-native' : 'wasm'
    expect(await m.initBackend({ debug: (line) => lines.push(line) })).toBe(expected)
    expect(tf.getBackend()).toBe('wasm')
    expect(m.activeBackendName()).toBe(expected)
    expect(m.backendDescription()).toMatch(
      nativeBuilt
        ? /^wasm \((SIMD|no SIMD), \d+ threads?\) \+ native oneDNN \d+\.\d+\.\d+ \(\d+ threads?\)$/
        : /^wasm \((SIMD|no SIMD), \d+ threads?\)$/
    )
    // The debug channel names what the native path runs on and which kernels it replaced.
    expect(
      lines.some((l) =>
        /^native kernels: oneDNN \d+\.\d+\.\d+, \w+, \w+; Conv2D, FusedConv2D, /.test(l)
      )
    ).toBe(nativeBuilt)
    // Both native rungs were tried and skipped quietly, through the debug channel only.
    expect(lines.some((l) => l.startsWith('tensor backend tfjs-node-gpu unavailable'))).toBe(true)
    expect(lines.some((l) => l.startsWith('tensor backend tfjs-node unavailable'))).toBe(true)
    // Choosing wasm registers the training kernels it lacks.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined()
  })

  it('is idempotent: later calls return the active backend whatever they ask', async () => {
    const m = await freshModule()
    const [a, b] = await Promise.all([
      m.initBackend({ prefer: ['wasm'] }),
      m.initBackend({ prefer: ['cpu'] })
    ])
    expect([a, b]).toEqual(['wasm', 'wasm'])
    expect(await m.initBackend({ prefer: ['cpu'] })).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
  })

  it('follows options.prefer, falling through packages that are missing', async () => {
    const m = await freshModule()
    expect(await m.initBackend({ prefer: ['tfjs-node', 'cpu'] })).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(m.backendDescription()).toBe('cpu (plain JavaScript, 1 thread)')
  })

  it('uses the backend FLATLINE_BACKEND forces', async () => {
    process.env.FLATLINE_BACKEND = 'cpu'
    const m = await freshModule()
    expect(await m.initBackend()).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(m.activeBackendName()).toBe('cpu')
  })

  it('lets FLATLINE_BACKEND override options.prefer', async () => {
    process.env.FLATLINE_BACKEND = 'wasm'
    const m = await freshModule()
    expect(await m.initBackend({ prefer: ['cpu'] })).toBe('wasm')
  })

  it('rejects an unknown FLATLINE_BACKEND value, listing the valid ones', async () => {
    process.env.FLATLINE_BACKEND = 'webgl'
    const m = await freshModule()
    await expect(m.initBackend()).rejects.toThrow(
      "FLATLINE_BACKEND='webgl' is not a backend name; use one of tfjs-node-gpu, tfjs-node, wasm-native, wasm, cpu"
    )
    expect(m.activeBackendName()).toBeUndefined()
    // The failure is not remembered: fixing the variable and calling again works.
    process.env.FLATLINE_BACKEND = 'cpu'
    expect(await m.initBackend()).toBe('cpu')
  })

  it('falls back, with a warning naming the requested backend and the fallback, when the forced backend is not installed', async () => {
    process.env.FLATLINE_BACKEND = 'tfjs-node'
    const m = await freshModule()
    const warnings: string[] = []
    expect(await m.initBackend({ warn: (line) => warnings.push(line), threads: 1 })).toBe(
      nativeBuilt ? 'wasm-native' : 'wasm'
    )
    expect(warnings[0]).toMatch(
      /FLATLINE_BACKEND=tfjs-node requested, but that backend could not be loaded: .*@tensorflow\/tfjs-node.*Falling back/
    )
    const wasm = nativeBuilt
      ? 'wasm \\(SIMD, 1 thread\\) \\+ native oneDNN [\\d.]+ \\(1 thread\\)'
      : 'wasm \\(SIMD, 1 thread\\)'
    expect(warnings[1]).toMatch(
      new RegExp(
        `^tensor backend: ${wasm} \\[FLATLINE_BACKEND=tfjs-node requested but not available`
      )
    )
    // Logs and run records carry the description, so the fallback stays explicit there too.
    expect(m.backendDescription()).toMatch(
      new RegExp(
        `^${wasm} \\[FLATLINE_BACKEND=tfjs-node requested but not available: .*; fell back\\]$`
      )
    )
  })

  it('states its thread count, and rejects a thread count below 1 or above the cores with a clear message', async () => {
    const m = await freshModule()
    await expect(m.initBackend({ threads: 0 })).rejects.toThrow(
      /threads=0 is not a thread count; give a whole number from 1 to \d+/
    )
    await expect(m.initBackend({ threads: 1000 })).rejects.toThrow(
      /threads=1000 asks for more threads than this machine's \d+ cores/
    )
    const threads = process.env.FLATLINE_THREADS
    process.env.FLATLINE_THREADS = 'two'
    try {
      await expect(m.initBackend()).rejects.toThrow(/FLATLINE_THREADS='two' is not a thread count/)
    } finally {
      if (threads === undefined) delete process.env.FLATLINE_THREADS
      else process.env.FLATLINE_THREADS = threads
    }
    expect(m.activeBackendName()).toBeUndefined()
    expect(await m.initBackend({ prefer: ['cpu'], threads: 1 })).toBe('cpu')
    expect(m.backendDescription()).toBe('cpu (plain JavaScript, 1 thread)')
    expect(m.activeThreads()).toBe(1)
  })

  it('rejects an empty or unknown options.prefer', async () => {
    const m = await freshModule()
    await expect(m.initBackend({ prefer: [] })).rejects.toThrow(
      /options.prefer must list one or more of/
    )
    const bogus = ['gpu'] as unknown as ['cpu']
    await expect(m.initBackend({ prefer: bogus })).rejects.toThrow(/options.prefer .* got \[gpu\]/)
  })
})
