/**
 * Runs an audit's tasks on BullMQ workers through Redis (issue 13): `npm run worker -- --redis URL`
 * on each workstation takes tasks from the queue `flatline-tasks`; this side enqueues a task once its
 * dependencies are done, with the files it reads, and brings its result and files back.
 *
 * BullMQ does the distribution: a worker that dies mid-task loses its lock and BullMQ's stalled-job
 * check hands the task to another worker (once; a second loss fails it). A task that throws fails
 * (no retry: the engine's errors do not go away on a second try). Cancel publishes the run id on
 * `flatline:cancel` (workers abort that run's tasks) and removes its waiting tasks from the queue.
 */
import { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { JobCancelledError } from '../jobs/job-errors'
import type { AuditTask, TaskEvent, TaskJob } from '../tasks/audit-task'
import type { TaskExecutor, TaskReport } from '../tasks/run-task-graph'
import { RunStore } from '../workspace/run-store'
import {
  CANCEL_CHANNEL,
  QUEUE_VERSION_KEY,
  TASK_QUEUE,
  type QueuedResult,
  type QueuedTask
} from './queue-keys'
import { checkRedis, maskRedisUrl, redisConnection, redisOptions } from './redis-connection'
import { downloadRunFiles, listRunFiles, uploadRunFiles } from './run-files'

/** What a worker reports through BullMQ's job progress: where the task runs, then its events. */
export type QueuedProgress = { worker: string } | { event: TaskEvent }

export class RedisExecutor implements TaskExecutor {
  readonly capacity = Infinity
  private readonly redis: Redis
  private readonly queue: Queue<QueuedTask, QueuedResult>
  private readonly events: QueueEvents
  private readonly reports = new Map<string, TaskReport>()
  private readonly jobIds = new Set<string>()
  private readonly runIds = new Set<string>()
  /** Hashes of the files already stored in Redis by this audit. */
  private readonly sent = new Set<string>()
  private readonly nonce = Date.now().toString(36)
  private cancelled = false
  private cancelling: Promise<unknown> = Promise.resolve()
  private rejectAll: (error: Error) => void = () => {}
  private readonly cancelledPromise = new Promise<never>((_, reject) => (this.rejectAll = reject))
  private order = 0

  /** Checks Redis answers first: an unreachable URL enqueues nothing. */
  static async open(
    url: string,
    options: { workspaceRoot: string; appVersion: string }
  ): Promise<RedisExecutor> {
    await checkRedis(url)
    const executor = new RedisExecutor(url, options)
    await executor.redis.set(QUEUE_VERSION_KEY, options.appVersion)
    await executor.events.waitUntilReady()
    return executor
  }

  private constructor(
    private readonly url: string,
    private readonly options: { workspaceRoot: string; appVersion: string }
  ) {
    this.redis = redisConnection(url)
    this.queue = new Queue(TASK_QUEUE, { connection: redisOptions(url) })
    this.events = new QueueEvents(TASK_QUEUE, { connection: redisOptions(url) })
    this.events.on('progress', ({ jobId, data }) => {
      const report = this.reports.get(jobId)
      const progress = data as QueuedProgress
      if (!report || typeof progress !== 'object') return
      if ('worker' in progress) report.worker(progress.worker)
      else report.event(progress.event)
    })
    this.cancelledPromise.catch(() => undefined)
  }

  async run(task: AuditTask, job: TaskJob, report: TaskReport): Promise<unknown> {
    return Promise.race([this.runQueued(task, job, report), this.cancelledPromise])
  }

  private async runQueued(task: AuditTask, job: TaskJob, report: TaskReport): Promise<unknown> {
    const runDir = new RunStore(this.options.workspaceRoot).runDir(job.runId)
    // Inputs: what the dependencies wrote, and on a resume what this task wrote before.
    this.runIds.add(job.runId)
    const paths = await listRunFiles(runDir, [...job.inputs, ...(job.resume ? task.outputs : [])])
    const inputs = await uploadRunFiles(this.redis, runDir, paths, this.sent)
    if (this.cancelled) throw new JobCancelledError()
    const jobId = `${job.runId}__${task.id}__${this.nonce}`
    this.jobIds.add(jobId)
    this.reports.set(jobId, report)
    report.event({
      kind: 'task-progress',
      taskId: task.id,
      value: 0,
      detail: `queued on ${maskRedisUrl(this.url)}, waiting for a worker`
    })
    try {
      const queued = await this.queue.add(
        task.id,
        { version: this.options.appVersion, task, job, inputs },
        {
          jobId,
          priority: Math.min(2_000_000, ++this.order),
          attempts: 1,
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 24 * 3600 }
        }
      )
      const { result, files } = await queued.waitUntilFinished(this.events)
      await downloadRunFiles(this.redis, runDir, files, `the result of "${task.label}"`)
      return result
    } finally {
      this.reports.delete(jobId)
    }
  }

  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    this.rejectAll(new JobCancelledError())
    this.cancelling = Promise.allSettled([
      ...[...this.runIds].map((runId) => this.redis.publish(CANCEL_CHANNEL, runId)),
      ...[...this.jobIds].map((id) => this.queue.remove(id))
    ])
  }

  async close(): Promise<void> {
    await this.cancelling
    await Promise.allSettled([this.events.close(), this.queue.close()])
    this.redis.disconnect()
  }
}
