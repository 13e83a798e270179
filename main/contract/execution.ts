/**
 * Where an audit's tasks run (issue 13), chosen per run and never stored in the spec's results:
 * how many engine worker processes on this machine, or a Redis URL whose BullMQ workers take the
 * tasks (the URL may hold a password, so it is a setting of the app and the CLI, not of the spec).
 */
import { z } from 'zod'

export const WORKERS_MESSAGE =
  'workers must be at least 1 (1 runs the audit in the engine process, more on that many worker processes)'

export const WorkerCount = z
  .number()
  .int('workers must be a whole number')
  .min(1, WORKERS_MESSAGE)
  .max(256, 'workers must be at most 256')

export const ExecutionSettings = z.strictObject({
  /** Engine worker processes; 1 runs every task in the engine process. Default: the spec's, else one per core. */
  workers: WorkerCount.optional(),
  /** Threads per engine process (the speed settings'); see pool-size.ts for how it shares the cores with workers. */
  threads: z.number().int().min(1).max(256).optional(),
  /** `redis://[:password@]host:port`: run the tasks on BullMQ workers through this Redis instead. */
  queue: z
    .string()
    .regex(/^rediss?:\/\//, 'the queue is a Redis URL: redis://[:password@]host:6379')
    .optional()
})
export type ExecutionSettings = z.infer<typeof ExecutionSettings>

/** The app's settings (stored in the workspace's settings.json): a Redis queue makes every audit run on its workers. */
export const AppSettings = z.strictObject({ queue: ExecutionSettings.shape.queue })
export type AppSettings = z.infer<typeof AppSettings>
