/**
 * One BullMQ worker (`npm run worker -- --redis URL`): takes an audit's tasks from Redis one at a
 * time, fetches the files each reads into its own workspace (checked against their sha256), runs it
 * on this machine's best backend (tfjs-node-gpu on a workstation with a GPU) and sends its result
 * and files back through Redis.
 *
 * A worker of another Flatline version than the queue's refuses to start, naming both versions; a
 * task enqueued by another version is put back for a matching worker and this worker stops. A task
 * whose dataset (or imported target) is not at the spec's path here fails with the path named; the
 * other tasks go on.
 */
import { hostname } from 'node:os'
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq'
import { backendDescription, initBackend } from '../backend/select-backend'
import { runTaskHere } from '../tasks/run-task'
import { RunStore } from '../workspace/run-store'
import { ensureWorkspace } from '../workspace/workspace-root'
import {
  CANCEL_CHANNEL,
  QUEUE_VERSION_KEY,
  TASK_QUEUE,
  type QueuedResult,
  type QueuedTask
} from './queue-keys'
import type { QueuedProgress } from './redis-executor'
import { checkRedis, maskRedisUrl, redisConnection, redisOptions } from './redis-connection'
import { downloadRunFiles, listRunFiles, uploadRunFiles } from './run-files'

export interface QueueWorkerOptions {
  url: string
  workspaceRoot: string
  appVersion: string
  /** How long a task's lock lasts: a dead worker's task goes to another worker this long after it died. */
  lockSeconds?: number
  log?: (line: string) => void
}

export class VersionMismatchError extends Error {}

export interface RunningQueueWorker {
  name: string
  /** Settles when the worker stops: resolves after `close`, rejects with the reason it refused to go on. */
  stopped: Promise<void>
  close(): Promise<void>
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningQueueWorker> {
  const { url, appVersion, log = (line) => process.stderr.write(line + '\n') } = options
  const where = maskRedisUrl(url)
  const mismatch = (theirs: string): VersionMismatchError =>
    new VersionMismatchError(
      `this worker runs Flatline ${appVersion}, but the queue at ${where} is for Flatline ${theirs}: run the same Flatline version on every workstation`
    )
  await checkRedis(url)
  const redis = redisConnection(url)
  const queueVersion = await redis.get(QUEUE_VERSION_KEY)
  if (queueVersion !== null && queueVersion !== appVersion) {
    redis.disconnect()
    throw mismatch(queueVersion)
  }
  const { root } = await ensureWorkspace(options.workspaceRoot)
  await initBackend()
  const name = `${hostname()}:${process.pid}`
  const active = new Map<string, string>() // BullMQ job id -> run id
  let stop: { resolve(): void; reject(error: Error): void } = {
    resolve: () => {},
    reject: () => {}
  }
  const stopped = new Promise<void>((resolve, reject) => (stop = { resolve, reject }))
  let refusal: Error | undefined

  const processor = async (
    job: Job<QueuedTask, QueuedResult>,
    token?: string,
    signal?: AbortSignal
  ): Promise<QueuedResult> => {
    const { task, job: taskJob, inputs, version } = job.data
    if (version !== appVersion) {
      // Back to the queue for a worker of the right version; this one stops.
      await job.moveToDelayed(Date.now() + 1000, token)
      refusal = mismatch(version)
      setImmediate(() => void close())
      throw new DelayedError()
    }
    active.set(job.id!, taskJob.runId)
    const started = performance.now()
    log(`${name}: ${task.label} (run ${taskJob.runId})`)
    try {
      await job.updateProgress({ worker: name } satisfies QueuedProgress)
      const runDir = new RunStore(root).runDir(taskJob.runId)
      await downloadRunFiles(redis, runDir, inputs, `the inputs of "${task.label}"`)
      const result = await runTaskHere(task, taskJob, {
        workspaceRoot: root,
        signal,
        emit: (event) =>
          void job.updateProgress({ event } satisfies QueuedProgress).catch(() => undefined)
      })
      const files = await uploadRunFiles(redis, runDir, await listRunFiles(runDir, task.outputs))
      log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${task.label}`)
      return { result, files }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log(`${name}: failed: ${task.label}: ${message}`)
      if (signal?.aborted) throw new UnrecoverableError('cancelled by the user')
      throw error
    } finally {
      active.delete(job.id!)
    }
  }

  const lockDuration = (options.lockSeconds ?? 30) * 1000
  const worker = new Worker<QueuedTask, QueuedResult>(TASK_QUEUE, processor, {
    connection: redisOptions(url),
    concurrency: 1,
    lockDuration,
    stalledInterval: lockDuration,
    // A task whose worker died goes back to the queue once; a second loss fails it.
    maxStalledCount: 1,
    name
  })
  worker.on('error', (error) => log(`${name}: ${error.message}`))
  const subscriber = redisConnection(url)
  await subscriber.subscribe(CANCEL_CHANNEL)
  subscriber.on('message', (_channel, runId: string) => {
    for (const [jobId, run] of active)
      if (run === runId) worker.cancelJob(jobId, 'cancelled by the user')
  })

  let closing: Promise<void> | undefined
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await worker.close(true).catch(() => undefined)
      subscriber.disconnect()
      redis.disconnect()
      if (refusal) stop.reject(refusal)
      else stop.resolve()
    })())
  await worker.waitUntilReady()
  log(
    `${name}: ready on ${where} (Flatline ${appVersion}, ${backendDescription()}, workspace ${root})`
  )
  return { name, stopped, close }
}
