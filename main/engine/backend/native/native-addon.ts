/**
 * Finds and loads the optional native addon (`native/`, N-API over oneDNN), once per process.
 *
 * The addon is built by `npm run build:native` into `native/build/Release/flatline_native.node`.
 * We look for it beside the project (source tree, tests, CLI) or the bundle (`out/main` in the
 * app), walking up from this module; in a packaged app it lives in app.asar.unpacked, because a
 * shared library cannot be loaded from inside an asar archive. `FLATLINE_NATIVE_ADDON` names
 * the file directly (a custom build, or a missing path to try the fallback).
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { staleAddonReason } from './stale-addon.mjs'

/** What the addon reports about itself at `init`. */
export interface NativeAddonInfo {
  onednnVersion: string
  /** oneDNN's threading runtime, e.g. "OpenMP". */
  threadingRuntime: string
  threads: number
  /** The instruction set oneDNN's kernels use on this CPU, e.g. "avx512_core". */
  isa: string
}

/** A kernel entry: reads and writes float32 tensors in place on the wasm heap. */
export type NativeKernelEntry = (heap: Uint8Array, params: Float64Array) => void

export interface NativeAddon {
  init(threads: number): NativeAddonInfo
  convForward: NativeKernelEntry
  convBackwardData: NativeKernelEntry
  convBackwardWeights: NativeKernelEntry
  matmul: NativeKernelEntry
  poolForward: NativeKernelEntry
  poolBackward: NativeKernelEntry
  batchNormForward: NativeKernelEntry
  batchNormBackward: NativeKernelEntry
  sgdMomentum: NativeKernelEntry
  reluBackward: NativeKernelEntry
  addRelu: NativeKernelEntry
}

export const NATIVE_ADDON_ENV_VAR = 'FLATLINE_NATIVE_ADDON'
const RELATIVE_PATH = path.join('native', 'build', 'Release', 'flatline_native.node')
const BUILD_HINT =
  'Build it with `npm run build:native` (Linux: apt-get install libdnnl-dev first; see docs/native-kernels.md).'

let loaded: NativeAddon | undefined

/**
 * GNU OpenMP (Debian's oneDNN runtime) spins about 300,000 iterations at each barrier before it
 * sleeps. On a busy machine the spinning thread burns the time slice its partner needs: a tiny
 * audit took 66 s with two threads against 27 s on wasm at load 20 on two cores. 10,000 spins
 * still added ~0.5 ms of CPU to each two-thread conv call on a busy machine; 1,000 cost no more
 * CPU than none, and keep the worker awake for a kernel that follows closely. libgomp reads this
 * when it loads (with the addon), so we set it first, unless the user already chose a wait policy.
 */
function limitOpenMpSpinning(): void {
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
    process.env.GOMP_SPINCOUNT = '1000'
  }
}

/** A built addon older than its sources: refused, and said even when nobody asked for native kernels. */
export class StaleNativeAddonError extends Error {}

/** The addon, loaded on first call; throws a message naming what is missing and how to build it. */
export function loadNativeAddon(): NativeAddon {
  if (loaded !== undefined) return loaded
  const file = findAddonFile()
  const stale = staleAddonReason(file)
  if (stale !== undefined) throw new StaleNativeAddonError(stale)
  limitOpenMpSpinning()
  let addon: NativeAddon
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new Error(`the native addon ${file} failed to load (${reason}). ${BUILD_HINT}`)
  }
  if (typeof addon.init !== 'function' || typeof addon.convForward !== 'function') {
    throw new Error(`${file} is not Flatline's native addon (no init/convForward). ${BUILD_HINT}`)
  }
  loaded = addon
  return addon
}

/** The addon file to load; throws naming the places searched when there is none. */
export function findAddonFile(): string {
  const explicit = process.env[NATIVE_ADDON_ENV_VAR]?.trim()
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`${NATIVE_ADDON_ENV_VAR}=${explicit}: no such file. ${BUILD_HINT}`)
    return explicit
  }
  const start = path.dirname(fileURLToPath(import.meta.url))
  let dir = start
  for (;;) {
    const candidate = path.join(dir, RELATIVE_PATH)
    const unpacked = candidate.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2')
    for (const file of unpacked === candidate ? [candidate] : [unpacked, candidate]) {
      if (existsSync(file)) return file
    }
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new Error(
    `the native addon is not built (no ${RELATIVE_PATH} in ${start} or a folder above it). ${BUILD_HINT}`
  )
}
