/**
 * Where an audit's tasks run, from its execution settings: on BullMQ workers through Redis (a queue
 * URL, checked to answer before anything is enqueued), else in this process (one worker) or on a
 * local pool of engine worker processes (several).
 */
import type { ExecutionSettings } from '../../contract/execution'
import { checkWorkerCount, poolShape } from '../pool/pool-size'
import { WorkerPool } from '../pool/worker-pool'
import { RedisExecutor } from '../queue/redis-executor'
import { InProcessExecutor } from './in-process-executor'
import type { TaskExecutor } from './run-task-graph'

export type ClosableExecutor = TaskExecutor & { close(): Promise<void> }

export async function openExecutor(
  settings: ExecutionSettings,
  where: { workspaceRoot: string; datasetBytes: number; retries?: number; appVersion: string }
): Promise<ClosableExecutor> {
  if (settings.queue) return RedisExecutor.open(settings.queue, where)
  const workers = settings.workers ?? 1
  checkWorkerCount(workers, where.datasetBytes)
  if (workers === 1)
    return Object.assign(new InProcessExecutor(where.workspaceRoot), { close: async () => {} })
  const { threads } = poolShape({ workers, threads: settings.threads })
  return new WorkerPool({
    workers,
    threads,
    workspaceRoot: where.workspaceRoot,
    retries: where.retries
  })
}
