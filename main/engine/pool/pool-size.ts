/**
 * How many engine worker processes an audit gets, and how many threads each.
 *
 * Default: one worker per core, one thread each — N workers × T threads never exceeds the cores, so
 * the workers do not fight over them. When the user sets threads per engine process (T), the default
 * becomes floor(cores / T) workers; when the user sets N workers and not T, each gets floor(cores / N)
 * threads (at least 1). Only both set explicitly can oversubscribe, and then it is what was asked.
 * Independent trainings scale better across processes than one training across threads (no
 * synchronisation per layer), which is why workers come first and threads take what is left.
 *
 * Memory: each worker holds its own tfjs runtime, dataset and models. A tiny audit's engine process
 * peaks at about 360 MB (`/usr/bin/time -v npm run audit -- --spec tests/fixtures/tiny-audit.json`),
 * so a worker is budgeted 400 MiB plus twice the dataset's bytes, and the workers together may use
 * 80 % of this machine's memory.
 */
import { availableParallelism, totalmem } from 'node:os'

export const WORKER_BASE_BYTES = 400 * 1024 * 1024
export const MEMORY_SHARE = 0.8

export interface PoolShape {
  workers: number
  /** Threads per worker process (FLATLINE_THREADS in its environment). */
  threads: number
}

export function poolShape(
  requested: { workers?: number; threads?: number },
  cores = availableParallelism()
): PoolShape {
  const workers = requested.workers ?? Math.max(1, Math.floor(cores / (requested.threads ?? 1)))
  return { workers, threads: requested.threads ?? Math.max(1, Math.floor(cores / workers)) }
}

/** Memory a worker needs for an audit whose dataset takes `datasetBytes` (uint8 pixels). */
export function workerBytes(datasetBytes: number): number {
  return WORKER_BASE_BYTES + 2 * datasetBytes
}

/** Throws a message saying what to use instead when `workers` is not a count this machine can hold. */
export function checkWorkerCount(workers: number, datasetBytes: number, total = totalmem()): void {
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(
      `workers must be a whole number of at least 1 (got ${workers}): 1 runs the audit in the engine process, more run it on that many worker processes`
    )
  const budget = MEMORY_SHARE * total
  const each = workerBytes(datasetBytes)
  if (workers * each > budget) {
    const most = Math.max(1, Math.floor(budget / each))
    throw new Error(
      `${workers} workers need about ${gib(workers * each)} GiB (${gib(each)} GiB each for this dataset), more than the memory budget of ` +
        `${gib(budget)} GiB (${MEMORY_SHARE * 100} % of this machine's ${gib(total)} GiB): use at most ${most} workers`
    )
  }
}

function gib(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1)
}
