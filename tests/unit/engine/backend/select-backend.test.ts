import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

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

  it('picks wasm here, where neither tfjs-node package is installed', async () => {
    const m = await freshModule()
    expect(m.activeBackendName()).toBeUndefined()
    expect(m.backendDescription()).toMatch(/initBackend has not run/)
    const lines: string[] = []
    expect(await m.initBackend({ debug: (line) => lines.push(line) })).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(m.activeBackendName()).toBe('wasm')
    expect(m.backendDescription()).toMatch(/^wasm \((SIMD|no SIMD), \d+ threads?\)$/)
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
    expect(m.backendDescription()).toBe('cpu (plain JavaScript)')
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
      "FLATLINE_BACKEND='webgl' is not a backend name; use one of tfjs-node-gpu, tfjs-node, wasm, cpu"
    )
    expect(m.activeBackendName()).toBeUndefined()
    // The failure is not remembered: fixing the variable and calling again works.
    process.env.FLATLINE_BACKEND = 'cpu'
    expect(await m.initBackend()).toBe('cpu')
  })

  it('fails, instead of falling back, when the forced backend cannot load', async () => {
    process.env.FLATLINE_BACKEND = 'tfjs-node'
    const m = await freshModule()
    await expect(m.initBackend()).rejects.toThrow(
      /FLATLINE_BACKEND=tfjs-node but that backend could not be loaded: .*@tensorflow\/tfjs-node.*unset FLATLINE_BACKEND/
    )
    expect(m.activeBackendName()).toBeUndefined()
  })

  it('rejects an empty or unknown options.prefer', async () => {
    const m = await freshModule()
    await expect(m.initBackend({ prefer: [] })).rejects.toThrow(/options.prefer must list one or more of/)
    const bogus = ['gpu'] as unknown as ['cpu']
    await expect(m.initBackend({ prefer: bogus })).rejects.toThrow(/options.prefer .* got \[gpu\]/)
  })
})
