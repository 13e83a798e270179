/**
 * An audit as a graph of tasks (issue 13): train a model, collect LGV members, measure natural
 * accuracy, run one attack stack from one surrogate. Each task names the tasks whose results it
 * reads (`deps`), carries its own seed and writes its files under the run folder, so any process —
 * this one, a pool worker, a BullMQ worker on another machine — runs it to the same bytes, in any
 * order its dependencies allow.
 *
 * A task and its job are plain JSON: they travel over IPC and Redis as they are.
 */
import type { AuditSpec } from '../../contract/audit-spec'
import type { EpochMetrics, TaskKind } from '../../contract/job-events'
import type { AuditResults } from '../../contract/run-record'
import type { ImageDataset } from '../data/dataset'

export interface AuditTask<Params = unknown> {
  /** Also the progress bar's id (`train-<model>`, `evaluate`, `attack-<surrogate>`, …). */
  id: string
  /** Name of its definition in task-kinds.ts. */
  kind: string
  label: string
  /** Tasks whose results it reads; it starts once all of them have succeeded. */
  deps: string[]
  /** The seed of every random choice the task makes, so its results do not depend on where or when it runs. */
  seed: number
  /** Forward-backward passes it costs (time-estimate.ts): weighs its progress in the audit's ETA. */
  cost: number
  /** Files or folders it writes, relative to the run folder (brought back when it ran on another machine). */
  outputs: string[]
  params: Params
}

/** What a task needs besides itself, the same wherever it runs. */
export interface TaskJob {
  spec: AuditSpec
  runId: string
  /** The run continues an interrupted one: trained models and checkpoints in the run folder are reused. */
  resume: boolean
  /** Results of the tasks in `deps`, by task id. */
  deps: Record<string, unknown>
  /** Run-relative files or folders the dependencies wrote (their `outputs`): what travels to a remote worker. */
  inputs: string[]
}

/** Events a task reports while it runs (job events without the job id), and the worker it landed on. */
export type TaskEvent =
  | { kind: 'task-progress'; taskId: string; value: number; detail: string }
  | { kind: 'epoch'; taskId: string; model: string; metrics: EpochMetrics }

export interface TaskContext {
  job: TaskJob
  /** The run folder in this process's workspace: inputs are read from it, outputs written to it. */
  runDir: string
  signal?: AbortSignal
  emit(event: TaskEvent): void
  /** Runs `dispose` when the task ends, whether it succeeded or not. */
  defer(dispose: () => unknown): void
}

/** One kind of task: how it is planned from a spec, run, and folded into the run record. */
// The defaults stand for "some kind" in the registry (TASK_KINDS), which mixes kinds with different
// params; unknown would make every kind's `run` unassignable to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TaskKindDefinition<Params = any, Result = any> {
  kind: string
  /** The progress-bar category its tasks show under. */
  shownAs: TaskKind
  /** Adds this kind's tasks to an audit's graph; `earlier` holds the tasks of kinds listed before it. */
  plan(spec: AuditSpec, earlier: readonly AuditTask[]): AuditTask<Params>[]
  run(task: AuditTask<Params>, ctx: TaskContext): Promise<Result>
  /** Writes the results of this kind's succeeded tasks (in graph order) into the run's results. */
  collect?(
    outcomes: { task: AuditTask<Params>; result: Result }[],
    into: ResultsAssembly
  ): void | Promise<void>
}

/** The run's results while they are assembled, kind by kind, in the process that planned the audit. */
export interface ResultsAssembly {
  results: AuditResults
  spec: AuditSpec
  runDir: string
  dataset: ImageDataset
}
