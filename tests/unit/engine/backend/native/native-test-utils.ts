/**
 * Shared set-up for the native kernel tests: whether the addon is built (the tests skip, with
 * the reason in their title, only when it is not), and a wasm backend with the native kernels
 * plus the cpu backend to compare against.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-cpu'
import { findAddonFile } from '../../../../../main/engine/backend/native/native-addon'
import { nativeKernelCalls } from '../../../../../main/engine/backend/native/native-switch'
import { initBackend } from '../../../../../main/engine/backend/select-backend'
import { valuesOn } from '../backend-test-utils'

function missingReason(): string | undefined {
  try {
    findAddonFile()
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

const reason = missingReason()
if (reason !== undefined) console.warn(`SKIPPING native kernel tests: ${reason}`)

/** True when the addon is built, so the native tests run. */
export const nativeBuilt = reason === undefined

/** A suite title that says, when skipped, why. */
export function nativeSuite(title: string): string {
  return reason === undefined
    ? title
    : `${title} — SKIPPED: native addon not built (npm run build:native)`
}

export async function setUpNativeAndCpu(): Promise<void> {
  const chosen = await initBackend({ prefer: ['wasm-native'] })
  if (chosen !== 'wasm-native') throw new Error(`expected wasm-native, got ${chosen}`)
}

/** How many times the native `kernel` ran during `f` (to prove a result came from the native path). */
export async function nativeCallsDuring(
  kernel: string,
  f: () => Promise<unknown>
): Promise<number> {
  const before = nativeKernelCalls()[kernel] ?? 0
  await f()
  return (nativeKernelCalls()[kernel] ?? 0) - before
}

/** `f`'s values on wasm with the native kernels, and how many times the native `kernel` ran. */
export async function onNative(
  kernel: string,
  f: () => tf.Tensor
): Promise<{ values: Float32Array; calls: number }> {
  let values: Float32Array = new Float32Array()
  const calls = await nativeCallsDuring(kernel, async () => {
    values = await valuesOn('wasm', f)
  })
  return { values, calls }
}
