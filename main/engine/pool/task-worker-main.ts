/**
 * The loop of a pool worker process (engine-process.ts started with `--task-worker`): initialise the
 * tensor backend, then run the tasks the pool sends, one at a time, reporting their events and end.
 */
import { backendDescription, initBackend } from '../backend/select-backend'
import { JobCancelledError } from '../jobs/job-errors'
import { runTaskHere } from '../tasks/run-task'
import type { FromWorker, ToWorker } from './worker-messages'

export async function runTaskWorker(): Promise<void> {
  // With a callback, a send after the pool died (EPIPE) is not thrown: 'disconnect' below ends this process.
  const post = (message: FromWorker): void =>
    void process.send?.(message, undefined, undefined, () => {})
  let controller: AbortController | undefined
  const queue: ToWorker[] = []
  let ready = false
  const handle = async (message: ToWorker): Promise<void> => {
    if (message.type === 'cancel') return controller?.abort()
    controller = new AbortController()
    try {
      const result = await runTaskHere(message.task, message.job, {
        workspaceRoot: message.workspace,
        signal: controller.signal,
        emit: (event) => post({ type: 'event', event })
      })
      post({ type: 'done', result })
    } catch (error) {
      post({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        cancelled: error instanceof JobCancelledError
      })
    } finally {
      controller = undefined
    }
  }
  process.on('message', (m) => (ready ? void handle(m as ToWorker) : queue.push(m as ToWorker)))
  // The pool going away (parent killed) must not leave this process running.
  process.on('disconnect', () => process.exit(0))
  await initBackend()
  ready = true
  post({ type: 'ready', backend: backendDescription() })
  for (const m of queue.splice(0)) void handle(m)
}
