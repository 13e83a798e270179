/**
 * Job events: what the engine tells the UI while an audit runs.
 *
 * Progress is a union keyed by `kind`; every job ends with exactly one terminal event
 * (`completed` | `failed` | `cancelled`). `value` fields are in 0–1 for progress bars.
 */
import { z } from 'zod'

/** One unit of work inside an audit, shown as one progress bar. */
export const TaskKind = z.enum(['train', 'evaluate', 'attack', 'report'])
export type TaskKind = z.infer<typeof TaskKind>

export const TaskInfo = z.object({ id: z.string(), kind: TaskKind, label: z.string() })
export type TaskInfo = z.infer<typeof TaskInfo>

export const EpochMetrics = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  trainAccuracy: z.number(),
  testAccuracy: z.number(),
  lr: z.number(),
  seconds: z.number(),
  /** Forward-backward passes over a mini-batch spent in this epoch (cost unit of training spec §1.5); absent in old records. */
  passes: z.number().int().optional(),
  /** Success of BIM from this epoch's checkpoint on the validation targets only (early stopping, tracked transfer). */
  validationTransfer: z
    .object({ rate: z.number(), fooled: z.number().int(), attacked: z.number().int() })
    .optional(),
  /** Hessian sharpness of the training loss at this epoch (tracked sharpness, training spec §8). */
  sharpness: z.object({ maxEigenvalue: z.number(), trace: z.number() }).optional()
})
export type EpochMetrics = z.infer<typeof EpochMetrics>

/** One worker of an audit: its name ("worker 2", "host:pid"), the task it runs (null: idle) and, on this machine, its process id. */
export const WorkerSlot = z.object({
  name: z.string(),
  taskId: z.string().nullable(),
  pid: z.number().int().optional()
})
export type WorkerSlot = z.infer<typeof WorkerSlot>

const base = { jobId: z.string() }
export const JobEvent = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('started'),
    runId: z.string(),
    tasks: z.array(TaskInfo),
    backend: z.string()
  }),
  z.object({
    ...base,
    kind: z.literal('task-progress'),
    taskId: z.string(),
    value: z.number(),
    detail: z.string()
  }),
  z.object({
    ...base,
    kind: z.literal('epoch'),
    taskId: z.string(),
    model: z.string(),
    metrics: EpochMetrics
  }),
  z.object({ ...base, kind: z.literal('task-done'), taskId: z.string(), seconds: z.number() }),
  /** Which task each worker process (or BullMQ worker) runs, the share of the audit's work done and its ETA. */
  z.object({
    ...base,
    kind: z.literal('workers'),
    workers: z.array(WorkerSlot),
    done: z.number(),
    etaSeconds: z.number().nullable()
  }),
  /** A study (issue 14) saved its record: a seed's audit completed (or the study started); the UI reloads it. */
  z.object({
    ...base,
    kind: z.literal('study-updated'),
    studyId: z.string(),
    seedsDone: z.number().int(),
    seedsTotal: z.number().int()
  }),
  z.object({ ...base, kind: z.literal('completed'), runId: z.string() }),
  z.object({
    ...base,
    kind: z.literal('failed'),
    runId: z.string().optional(),
    message: z.string()
  }),
  z.object({ ...base, kind: z.literal('cancelled'), runId: z.string().optional() })
])
export type JobEvent = z.infer<typeof JobEvent>
export type JobEventKind = JobEvent['kind']

export function isTerminal(event: JobEvent): boolean {
  return event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled'
}

/** Compile-time exhaustiveness check for `switch (event.kind)`. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`)
}
