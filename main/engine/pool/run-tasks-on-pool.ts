/**
 * Runs any set of tasks on the audit's machinery — a local pool of engine worker processes (or
 * this process, or BullMQ workers) — for work that is not one audit: issue 14's studies train many
 * models side by side this way.
 *
 * How to use it:
 *   1. Give each unit of work a task (tasks/audit-task.ts): a unique `id`, a `kind` listed in
 *      tasks/task-kinds.ts (reuse `train`, or add your own kind in its own file), `deps` on tasks
 *      listed before it, its own `seed`, a `cost` for the ETA and the run-relative `outputs` it writes.
 *   2. Give the job they share: an audit spec (its dataset and seed: workers load the dataset once
 *      and keep it for every task of the job) and a run id whose folder in `workspaceRoot` receives
 *      the outputs.
 *   3. `const outcome = await runTasksOnPool(tasks, { spec, runId, resume: false }, { workspaceRoot, workers: 4 })`
 *      (`workers` defaults to one per core, see pool-size.ts),
 *      then read `outcome.results.get(taskId)`; `outcome.failures` lists the tasks that failed (a
 *      dead worker's task is retried once first) and `outcome.skipped` those whose dependency failed.
 *
 * Every task is deterministic given its seed, so the results are those of running them one after
 * another in this process (`workers: 1`), bit for bit. `onEvent` receives progress, epochs, task
 * ends and the workers' tasks with an ETA; `signal` cancels every worker. The pool is closed before
 * this returns.
 */
import type { ExecutionSettings } from '../../contract/execution'
import type { AuditTask, TaskJob } from '../tasks/audit-task'
import { openExecutor } from '../tasks/open-executor'
import { poolShape } from './pool-size'
import { checkGraph } from '../tasks/plan-audit'
import { runTaskGraph, type GraphEvent, type GraphOutcome } from '../tasks/run-task-graph'

export interface PoolRunOptions extends ExecutionSettings {
  workspaceRoot: string
  /** Bytes of the job's dataset as uint8, for the workers' memory check (0 if unknown). */
  datasetBytes?: number
  /** Retries of a task whose worker process died (1 by default). */
  retries?: number
  /** This Flatline's version: BullMQ workers of another version refuse the tasks (needed with `queue`). */
  appVersion?: string
  signal?: AbortSignal
  onEvent?: (event: GraphEvent) => void
}

export async function runTasksOnPool(
  tasks: AuditTask[],
  job: Omit<TaskJob, 'deps' | 'inputs'>,
  options: PoolRunOptions
): Promise<GraphOutcome> {
  checkGraph(tasks)
  const {
    workspaceRoot,
    datasetBytes = 0,
    retries,
    appVersion = '',
    signal,
    onEvent = () => {},
    ...settings
  } = options
  const workers = settings.workers ?? poolShape(settings).workers
  const executor = await openExecutor(
    { ...settings, workers },
    { workspaceRoot, datasetBytes, retries, appVersion }
  )
  try {
    return await runTaskGraph({ tasks, job, executor, emit: onEvent, signal })
  } finally {
    await executor.close()
  }
}
