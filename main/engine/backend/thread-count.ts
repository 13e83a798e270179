/**
 * Resolves the engine's thread count: `initBackend({ threads })` (the CLI's `--threads`), else
 * `FLATLINE_THREADS`, else every core of the machine. Out-of-range values are errors naming their
 * source (see contract/threads.ts); they are never clamped silently.
 */
import os from 'node:os'
import { checkThreads, THREADS_ENV_VAR } from '../../contract/threads'

/** The cores this process may use (logical CPUs, as Node reports them). */
export function machineCores(): number {
  return typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length
}

export function resolveThreads(requested: number | undefined, cores = machineCores()): number {
  if (requested !== undefined) return checkThreads(requested, cores, 'threads')
  const raw = process.env[THREADS_ENV_VAR]
  if (raw !== undefined) return checkThreads(raw, cores, THREADS_ENV_VAR)
  return cores
}
