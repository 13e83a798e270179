/** Command-line options of `npm run audit`, parsed without a dependency. */
import { machineCores } from '../engine/backend/thread-count'
import { checkThreads } from '../contract/threads'

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
}

export const USAGE = `Usage: npm run audit -- --spec <audit.json> --out <dir> [--workspace <dir>] [--threads N] [--no-pdf]
       npm run audit -- --resume <dir> [--workspace <dir>] [--threads N] [--no-pdf]

  --spec       audit specification (see examples/demo-audit.json)
  --out        folder for results.json, report.html and report.pdf (created if missing)
  --resume     continue the cancelled, failed or interrupted audit an earlier --out <dir> started,
               from its last saved epoch (writes its results into the same folder)
  --workspace  workspace folder (default: FLATLINE_WORKSPACE or the OS user-data folder)
  --threads    cores to compute on, 1 to this machine's (default: FLATLINE_THREADS, else all)
  --no-pdf     skip the PDF (no Chromium needed)`

export function parseCliArgs(argv: string[]): AuditCliArgs {
  const values: Record<string, string> = {}
  let pdf = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--no-pdf') pdf = false
    else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (['--spec', '--out', '--workspace', '--resume', '--threads'].includes(arg)) {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values[arg.slice(2)] = value
    } else throw new UsageError(`unknown option "${arg}"`)
  }
  let threads: number | undefined
  if (values.threads !== undefined) {
    try {
      threads = checkThreads(values.threads, machineCores(), '--threads')
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
  }
  if (values.resume) {
    if (values.spec || values.out) throw new UsageError('--resume takes the run\'s folder and its stored spec: leave out --spec and --out')
    return { out: values.resume, resume: true, workspace: values.workspace, pdf, threads }
  }
  if (!values.spec) throw new UsageError('--spec is required')
  if (!values.out) throw new UsageError('--out is required')
  return { spec: values.spec, out: values.out, resume: false, workspace: values.workspace, pdf, threads }
}

export class UsageError extends Error {}
