/** Command-line options of `npm run worker`, parsed without a dependency. */
import { join } from 'node:path'
import { defaultWorkspaceRoot } from '../engine/workspace/workspace-root'

export const WORKER_USAGE = `Usage: npm run worker -- --redis redis://[:password@]host:6379 [--workspace <dir>] [--lock-seconds <s>]

  --redis         the Redis the audits are queued on (the same URL as the app's or the CLI's --queue)
  --workspace     where this worker keeps the models and files of the tasks it runs
                  (default: the "worker" folder of FLATLINE_WORKSPACE or the OS user-data folder)
  --lock-seconds  how long after this worker dies its task goes to another worker (default 30)`

export function parseWorkerArgs(argv: string[]): {
  redis: string
  workspace: string
  lockSeconds: number
} {
  const values: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!['--redis', '--workspace', '--lock-seconds'].includes(arg))
      throw new Error(`unknown option "${arg}"`)
    const value = argv[++i]
    if (!value || value.startsWith('--')) throw new Error(`${arg} needs a value`)
    values[arg.slice(2)] = value
  }
  if (!values.redis) throw new Error('--redis is required')
  if (!/^rediss?:\/\//.test(values.redis))
    throw new Error(
      `--redis takes a Redis URL such as redis://:password@host:6379, not "${values.redis}"`
    )
  const lockSeconds = Number(values['lock-seconds'] ?? 30)
  if (!(lockSeconds >= 1))
    throw new Error(
      `--lock-seconds takes a number of seconds of at least 1, not "${values['lock-seconds']}"`
    )
  return {
    redis: values.redis,
    workspace: values.workspace ?? join(defaultWorkspaceRoot(), 'worker'),
    lockSeconds
  }
}
