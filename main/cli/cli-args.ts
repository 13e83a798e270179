/** Command-line options of `npm run audit`, parsed without a dependency. */
import { machineCores } from '../engine/backend/thread-count'
import { checkThreads } from '../contract/threads'
import { UsageError } from './run-cli'

export interface AuditCliArgs {
  /** Absent with `--resume`, which reuses the run's stored spec. */
  spec?: string
  out: string
  /** `--resume <dir>`: continue the run an earlier `--out <dir>` wrote (`out` is that folder). */
  resume: boolean
  workspace?: string
  pdf: boolean
  /** `--threads N`: cores the engine computes on (default FLATLINE_THREADS, else all). */
  threads?: number
  /** `--workers N`: engine worker processes (1: this process alone). */
  workers?: number
  /** `--queue redis://…`: run the tasks on BullMQ workers through this Redis. */
  queue?: string
}

export const USAGE = `Usage: npm run audit -- --spec <audit.json> --out <dir> [--workspace <dir>] [--threads N] [--workers <n> | --queue <redis-url>] [--no-pdf]
       npm run audit -- --resume <dir> [--workspace <dir>] [--threads N] [--workers <n> | --queue <redis-url>] [--no-pdf]
       npm run audit -- --list-techniques

  --spec       audit specification (see examples/demo-audit.json)
  --out        folder for results.json, report.html and report.pdf (created if missing)
  --resume     continue the cancelled, failed or interrupted audit an earlier --out <dir> started,
               from its last saved epoch (writes its results into the same folder)
  --workspace  workspace folder (default: FLATLINE_WORKSPACE or the OS user-data folder)
  --threads    cores to compute on, 1 to this machine's (default: FLATLINE_THREADS, else all; with
               several workers, the cores shared out between them)
  --workers    engine worker processes running the audit's tasks side by side (default: the spec's
               "workers", else one per core; 1 runs everything in this process); same results either way
  --queue      redis://[:password@]host:6379: run the tasks on the workers \`npm run worker\` started
               on your workstations instead (see the README's "Workers on several machines")
  --no-pdf     skip the PDF (no Chromium needed)
  --list-techniques  print the id of every attack technique (attack.stack keys; bim is the loop), one per line`

export function parseCliArgs(argv: string[]): AuditCliArgs {
  const values: Record<string, string> = {}
  let pdf = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--no-pdf') pdf = false
    else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (
      ['--spec', '--out', '--workspace', '--resume', '--threads', '--workers', '--queue'].includes(
        arg
      )
    ) {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values[arg.slice(2)] = value
    } else throw new UsageError(`unknown option "${arg}"`)
  }
  const threads = values.threads === undefined ? undefined : parseThreads(values.threads)
  const workers = values.workers === undefined ? undefined : parseWorkers(values.workers)
  const queue = values.queue
  if (queue !== undefined && !/^rediss?:\/\//.test(queue))
    throw new UsageError(
      `--queue takes a Redis URL such as redis://:password@host:6379, not "${queue}"`
    )
  if (queue !== undefined && workers !== undefined)
    throw new UsageError(
      "--workers and --queue exclude each other: --queue runs the tasks on the queue's workers"
    )
  if (values.resume) {
    if (values.spec || values.out)
      throw new UsageError(
        "--resume takes the run's folder and its stored spec: leave out --spec and --out"
      )
    return {
      out: values.resume,
      resume: true,
      workspace: values.workspace,
      pdf,
      threads,
      workers,
      queue
    }
  }
  if (!values.spec) throw new UsageError('--spec is required')
  if (!values.out) throw new UsageError('--out is required')
  return {
    spec: values.spec,
    out: values.out,
    resume: false,
    workspace: values.workspace,
    pdf,
    threads,
    workers,
    queue
  }
}

/** `--threads N`: checked against this machine's cores. */
export function parseThreads(value: string): number {
  try {
    return checkThreads(value, machineCores(), '--threads')
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

export function parseWorkers(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1)
    throw new UsageError(
      `--workers takes a whole number of at least 1 (1 runs the audit in this process), not "${value}"`
    )
  return n
}
