/**
 * A BullMQ worker for audits spread over workstations: `npm run worker -- --redis redis://[:password@]HOST:6379 [--workspace DIR]`.
 *
 * Runs until Ctrl-C (finishing nothing: its current task goes back to the queue when its lock
 * expires). Exit codes: 0 stopped, 1 refused (another Flatline version) or lost Redis, 2 bad arguments
 * or an unreachable Redis.
 */
import { RedisUnreachableError } from '../engine/queue/redis-connection'
import { startQueueWorker } from '../engine/queue/queue-worker'
import { appVersion } from './app-version'
import { parseWorkerArgs, WORKER_USAGE } from './worker-args'
import { runCli } from './run-cli'

async function main(argv: string[]): Promise<number> {
  let args
  try {
    args = parseWorkerArgs(argv)
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${WORKER_USAGE}\n`)
    return 2
  }
  let worker
  try {
    worker = await startQueueWorker({
      url: args.redis,
      workspaceRoot: args.workspace,
      appVersion: appVersion(),
      lockSeconds: args.lockSeconds
    })
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return error instanceof RedisUnreachableError ? 2 : 1
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void worker.close())
  try {
    await worker.stopped
    return 0
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return 1
  }
}

runCli(main, WORKER_USAGE)
