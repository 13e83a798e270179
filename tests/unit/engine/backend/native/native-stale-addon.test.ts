/**
 * An addon older than the sources beside it is refused before it loads (an old build reads new
 * kernels' parameters in its old layout and crashes the process), and the fallback to wasm is
 * said out loud, in a warning and on the backend line, even when nobody asked for native kernels.
 * `npm test` (scripts/test.mjs) rebuilds the addon by the same rule.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { staleAddonReason } from '../../../../../main/engine/backend/native/stale-addon.mjs'

let dir: string
let addon: string
const saved = { addon: process.env.FLATLINE_NATIVE_ADDON, kernels: process.env.FLATLINE_KERNELS }

/** A fake native/ tree: the build (never loaded: the check comes first) and one source file. */
async function nativeTree(sourceAgeSeconds: number, addonAgeSeconds: number): Promise<void> {
  await mkdir(join(dir, 'native', 'build', 'Release'), { recursive: true })
  await mkdir(join(dir, 'native', 'src'), { recursive: true })
  addon = join(dir, 'native', 'build', 'Release', 'flatline_native.node')
  const source = join(dir, 'native', 'src', 'conv.cc')
  await writeFile(addon, 'not a real addon')
  await writeFile(source, '// kernels')
  await writeFile(join(dir, 'native', 'binding.gyp'), '{}')
  const now = Date.now() / 1000
  await utimes(join(dir, 'native', 'binding.gyp'), now - 1000, now - 1000)
  await utimes(source, now - sourceAgeSeconds, now - sourceAgeSeconds)
  await utimes(addon, now - addonAgeSeconds, now - addonAgeSeconds)
}

describe('stale native addon', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flatline-stale-'))
    delete process.env.FLATLINE_KERNELS
  })
  afterEach(async () => {
    for (const [key, value] of [
      ['FLATLINE_NATIVE_ADDON', saved.addon],
      ['FLATLINE_KERNELS', saved.kernels]
    ] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    await rm(dir, { recursive: true, force: true })
  })

  it('names the source changed since the build, and is silent for a current build', async () => {
    await nativeTree(10, 100)
    expect(staleAddonReason(addon)).toMatch(
      /older than its sources \(src\/conv\.cc changed since it was built\).*npm run build:native/
    )
    await nativeTree(100, 10)
    expect(staleAddonReason(addon)).toBeUndefined()
  })

  it('counts the build file as a source, and checks nothing where no sources ship (a packaged app)', async () => {
    await nativeTree(100, 10)
    await utimes(join(dir, 'native', 'binding.gyp'), new Date(), new Date())
    expect(staleAddonReason(addon)).toMatch(/\(binding\.gyp changed since it was built\)/)
    await rm(join(dir, 'native', 'src'), { recursive: true })
    expect(staleAddonReason(addon)).toBeUndefined()
  })

  it('falls back to wasm with a warning and says so on the backend line, unasked', async () => {
    await nativeTree(10, 100)
    process.env.FLATLINE_NATIVE_ADDON = addon
    vi.resetModules()
    const m = await import('../../../../../main/engine/backend/select-backend')
    const warnings: string[] = []
    expect(await m.initBackend({ warn: (line) => warnings.push(line) })).toBe('wasm')
    expect(warnings[0]).toMatch(
      /^Native oneDNN kernels not used: the native addon .* is older than its sources/
    )
    expect(m.backendDescription()).toMatch(
      /\[native kernels not used: stale build, run npm run build:native\]$/
    )
  })
})
