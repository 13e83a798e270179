/**
 * Whether the registered native kernels run, or hand every call to the kernel they replaced.
 *
 * Kernels stay registered once `initNativeKernels` ran (tfjs has no cheap way to swap them
 * back); the switch lets one process compare native and wasm kernels side by side, interleaved,
 * which is how our benchmarks measure on a loaded machine. It also counts native calls per kernel
 * so a test can tell the native path really ran rather than silently falling back.
 */
let enabled = true
const calls = new Map<string, number>()

export function setNativeKernelsEnabled(on: boolean): void {
  enabled = on
}

export function nativeKernelsEnabled(): boolean {
  return enabled
}

export function countNativeCall(kernel: string): void {
  calls.set(kernel, (calls.get(kernel) ?? 0) + 1)
}

/** Native calls so far, per kernel name. */
export function nativeKernelCalls(): Record<string, number> {
  return Object.fromEntries(calls)
}
