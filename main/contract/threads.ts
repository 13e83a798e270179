/**
 * The engine's thread count: how many cores one engine process computes on.
 *
 * One setting, read from the CLI's `--threads N`, the `FLATLINE_THREADS` environment variable (the
 * app passes it to its engine process) or `initBackend({ threads })`, in that order of precedence
 * for whoever sets it. It is fixed when the backend starts (wasm creates its thread pool then), so
 * it is a process setting rather than a field of one audit. Every backend rung reads it: wasm's
 * XNNPACK thread pool, and the native kernels (`initNativeKernels({ threads })`).
 */
import { z } from 'zod'

/** The environment variable that sets the thread count of an engine process. */
export const THREADS_ENV_VAR = 'FLATLINE_THREADS'

/** A thread count as a schema: a whole number ≥ 1 (the machine's upper bound is checked by `checkThreads`). */
export const Threads = z.number().int().min(1)
export type Threads = z.infer<typeof Threads>

/**
 * The thread count `raw` names, or an error saying what is wrong and what to do.
 *
 * `raw` is a CLI or environment string, or a number; `source` names where it came from
 * (e.g. "--threads" or "FLATLINE_THREADS") so the message points at it.
 */
export function checkThreads(raw: string | number, cores: number, source: string): number {
  const value = typeof raw === 'number' ? raw : Number(raw.trim())
  const text = typeof raw === 'number' ? String(raw) : `'${raw}'`
  if (typeof raw === 'string' && raw.trim() === '')
    throw new Error(
      `${source} is empty; give a whole number of threads from 1 to ${cores} (this machine's cores), or leave it unset to use all ${cores}.`
    )
  if (!Threads.safeParse(value).success)
    throw new Error(
      `${source}=${text} is not a thread count; give a whole number from 1 to ${cores} (this machine's cores).`
    )
  if (value > cores)
    throw new Error(
      `${source}=${text} asks for more threads than this machine's ${cores} cores; give a number from 1 to ${cores}, or leave it unset to use all ${cores}.`
    )
  return value
}
