/**
 * `FLATLINE_KERNELS`: which kernels the wasm backend runs for its heavy ops.
 *
 * - unset: the native oneDNN kernels when the addon is built, else wasm's own, quietly;
 * - `native`: the native kernels, and a visible warning naming the fallback when they cannot load;
 * - `wasm`: wasm's own kernels only (to measure one path against the other).
 */
export const KERNELS_ENV_VAR = 'FLATLINE_KERNELS'

export type KernelPath = 'native' | 'wasm'

/** The requested path, or undefined for automatic; throws on a value that is neither. */
export function requestedKernelPath(): KernelPath | undefined {
  const raw = process.env[KERNELS_ENV_VAR]?.trim()
  if (raw === undefined || raw === '') return undefined
  if (raw === 'native' || raw === 'wasm') return raw
  throw new Error(
    `${KERNELS_ENV_VAR}='${raw}' is not a kernel path; use native or wasm, or unset it to choose automatically.`
  )
}
