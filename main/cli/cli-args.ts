/** Command-line options of `npm run audit`, parsed without a dependency. */
export interface AuditCliArgs {
  spec: string
  out: string
  workspace?: string
  pdf: boolean
}

export const USAGE = `Usage: npm run audit -- --spec <audit.json> --out <dir> [--workspace <dir>] [--no-pdf]

  --spec       audit specification (see examples/demo-audit.json)
  --out        folder for results.json, report.html and report.pdf (created if missing)
  --workspace  workspace folder (default: FLATLINE_WORKSPACE or the OS user-data folder)
  --no-pdf     skip the PDF (no Chromium needed)`

export function parseCliArgs(argv: string[]): AuditCliArgs {
  const values: Record<string, string> = {}
  let pdf = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--no-pdf') pdf = false
    else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (['--spec', '--out', '--workspace'].includes(arg)) {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values[arg.slice(2)] = value
    } else throw new UsageError(`unknown option "${arg}"`)
  }
  if (!values.spec) throw new UsageError('--spec is required')
  if (!values.out) throw new UsageError('--out is required')
  return { spec: values.spec, out: values.out, workspace: values.workspace, pdf }
}

export class UsageError extends Error {}
