/**
 * Compare two audits: `npm run compare -- --before <run> --after <run> [--out DIR] [--workspace DIR] [--no-pdf]`.
 *
 * A run is a run id in the workspace, a folder an earlier `npm run audit -- --out` wrote, or its
 * results.json. Prints, per shared target, the change in transfer success and whether it exceeds the
 * ± 2 std spread; with --out also writes compare.json, compare.html and compare.pdf. Exit codes: 0
 * done, 2 bad arguments or runs that do not compare (different datasets, no shared target).
 */
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { RunRecord } from '../contract/run-record'
import { CompareRefusedError, compareRuns } from '../engine/compare/compare-runs'
import { buildCompareReportHtml, sentence } from '../engine/report/compare-report-html'
import { writeFileAtomic, writeJsonAtomic } from '../engine/workspace/atomic-write'
import { RunStore } from '../engine/workspace/run-store'
import { defaultWorkspaceRoot } from '../engine/workspace/workspace-root'
import { htmlToPdf } from '../report/pdf-chromium'
import { runCli, UsageError } from './run-cli'

const USAGE = `Usage: npm run compare -- --before <run> --after <run> [--out <dir>] [--workspace <dir>] [--no-pdf]

  --before, --after  a run id in the workspace, an audit --out folder, or a results.json
  --out              folder for compare.json, compare.html and compare.pdf (created if missing)
  --workspace        workspace for run ids (default: FLATLINE_WORKSPACE or the OS user-data folder)
  --no-pdf           skip the PDF (no Chromium needed)`

function parse(argv: string[]): {
  before: string
  after: string
  out?: string
  workspace?: string
  pdf: boolean
} {
  const values: Record<string, string> = {}
  let pdf = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--no-pdf') pdf = false
    else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (['--before', '--after', '--out', '--workspace'].includes(arg)) {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values[arg.slice(2)] = value
    } else throw new UsageError(`unknown option "${arg}"`)
  }
  if (!values.before || !values.after) throw new UsageError('give both --before and --after')
  return {
    before: values.before,
    after: values.after,
    out: values.out,
    workspace: values.workspace,
    pdf
  }
}

/** A run from a results.json, an audit --out folder, or the workspace by id. */
async function readRun(ref: string, workspace: string): Promise<RunRecord> {
  const path = resolve(ref)
  const info = await stat(path).catch(() => null)
  if (info) {
    const file = info.isDirectory() ? join(path, 'results.json') : path
    const parsed = RunRecord.safeParse(JSON.parse(await readFile(file, 'utf8').catch(() => 'null')))
    if (!parsed.success)
      throw new Error(`${file} is not a Flatline run record (results.json of npm run audit)`)
    return parsed.data
  }
  return new RunStore(workspace).get(ref).catch(() => {
    throw new Error(
      `"${ref}" is neither a file, a folder nor a run id in the workspace ${workspace}`
    )
  })
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv)
  const workspace = args.workspace ?? defaultWorkspaceRoot()
  let comparison
  try {
    comparison = compareRuns(
      await readRun(args.before, workspace),
      await readRun(args.after, workspace)
    )
  } catch (error) {
    process.stderr.write(
      `error: ${error instanceof CompareRefusedError ? 'cannot compare these runs: ' : ''}${(error as Error).message}\n`
    )
    return 2
  }
  for (const t of comparison.targets) process.stdout.write(sentence(t) + '\n')
  for (const [side, names] of [
    ['before', comparison.onlyBefore],
    ['after', comparison.onlyAfter]
  ] as const)
    if (names.length) process.stdout.write(`not compared (only ${side}): ${names.join(', ')}\n`)
  if (args.out) {
    const out = resolve(args.out)
    await mkdir(out, { recursive: true })
    const version = (
      JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string
      }
    ).version
    const html = buildCompareReportHtml(comparison, {
      appVersion: version,
      generatedAt: new Date()
    })
    await writeJsonAtomic(join(out, 'compare.json'), comparison)
    await writeFileAtomic(join(out, 'compare.html'), html)
    if (args.pdf) await htmlToPdf(html, join(out, 'compare.pdf'))
    process.stderr.write(
      `wrote ${out}/compare.json, compare.html${args.pdf ? ', compare.pdf' : ''}\n`
    )
  }
  return 0
}

runCli(main, USAGE)
