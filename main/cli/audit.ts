/**
 * Headless audit: `npm run audit -- --spec examples/demo-audit.json --out DIR`.
 *
 * Runs the same engine as the app and writes results.json, report.html, report.pdf and
 * per-sample.csv into DIR; progress goes to stderr. DIR also gets flatline-run.json (the run's id and
 * workspace), so `--resume DIR` continues an audit cut short from its last saved epoch. `--workers N`
 * runs the tasks on N engine worker processes (default one per core), `--queue URL` on BullMQ workers.
 * Exit codes: 0 done, 1 the audit failed,
 * 2 bad arguments or spec (an imported target whose import check warns, without `acceptCheck`, is one),
 * 130 cancelled (Ctrl-C). Warnings (accepted checks, models near chance or stopped on a NaN loss)
 * print on stdout before the transfer rates.
 */
import { copyFile, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { hasSeveralStacks } from '../contract/attack-queue'
import { hardenWarnings } from '../contract/harden-spec'
import { initBackend, backendDescription } from '../engine/backend/select-backend'
import { appVersion } from './app-version'
import { readGallery } from '../engine/evaluation/example-gallery'
import { PER_SAMPLE_FILE, readPerSamplePreview } from '../engine/evaluation/per-sample-results'
import type { AuditSpec } from '../contract/audit-spec'
import { TargetCheckRefusedError } from '../engine/jobs/check-imported-targets'
import { checkResumable } from '../engine/jobs/check-resumable'
import { resumeAudit } from '../engine/jobs/resume-run'
import { runAudit } from '../engine/jobs/run-audit'
import { buildReportHtml } from '../engine/report/report-html'
import { writeFileAtomic, writeJsonAtomic } from '../engine/workspace/atomic-write'
import { RunStore } from '../engine/workspace/run-store'
import { defaultWorkspaceRoot, ensureWorkspace } from '../engine/workspace/workspace-root'
import { htmlToPdf } from '../report/pdf-chromium'
import { THREADS_ENV_VAR } from '../contract/threads'
import { resolveThreads } from '../engine/backend/thread-count'
import { poolShape } from '../engine/pool/pool-size'
import { parseCliArgs, USAGE } from './cli-args'
import { hardenTable } from './harden-table'
import { techniqueListing } from './list-techniques'
import { createProgressPrinter } from './progress-printer'
import { readSpecFile } from './read-spec'
import { readRunPointer, writeRunPointer, type RunPointer } from './run-pointer'
import { runCli } from './run-cli'

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--list-techniques')) {
    process.stdout.write(techniqueListing())
    return 0
  }
  const args = parseCliArgs(argv)
  const outDir = resolve(args.out)
  let spec: AuditSpec
  let resumed: RunPointer | undefined
  try {
    if (args.resume) {
      resumed = await readRunPointer(outDir)
      const stored = await new RunStore(args.workspace ?? resumed.workspace).get(resumed.runId)
      checkResumable(stored, false)
      spec = stored.spec
    } else spec = await readSpecFile(args.spec ?? '')
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return 2
  }
  for (const warning of spec.harden ? hardenWarnings(spec.harden, spec) : [])
    process.stderr.write(`warning: ${warning}\n`)
  await mkdir(outDir, { recursive: true })
  const workspace = await ensureWorkspace(
    args.workspace ?? resumed?.workspace ?? defaultWorkspaceRoot()
  )
  await initBackend({ threads: args.threads })
  const version = appVersion()
  const controller = new AbortController()
  process.once('SIGINT', () => {
    process.stderr.write('\ncancelling (finishing the current batch)…\n')
    controller.abort()
  })
  // Threads count as chosen when given (flag or FLATLINE_THREADS): then workers share the cores by them.
  const threads =
    args.threads ?? (process.env[THREADS_ENV_VAR] ? resolveThreads(undefined) : undefined)
  const execution = args.queue
    ? { queue: args.queue }
    : { workers: args.workers ?? spec.workers ?? poolShape({ threads }).workers, threads }
  const runId = resumed?.runId ?? new RunStore(workspace.root).newRunId(spec.name)
  if (!resumed) await writeRunPointer(outDir, { runId, workspace: workspace.root })
  let record
  try {
    const ctx = {
      jobId: `cli-${runId}`,
      runId,
      workspaceRoot: workspace.root,
      backend: backendDescription(),
      appVersion: version,
      emit: createProgressPrinter(),
      signal: controller.signal,
      execution
    }
    record = await (resumed ? resumeAudit(ctx) : runAudit(spec, ctx))
  } catch (error) {
    // A spec problem found by looking at the files (the progress printer has said which): nothing was trained.
    if (error instanceof TargetCheckRefusedError) return 2
    return controller.signal.aborted ? 130 : 1
  }
  await writeJsonAtomic(join(outDir, 'results.json'), record)
  const gallery = await readGallery(new RunStore(workspace.root).runDir(runId)).catch(() => null)
  const perSample = await readPerSamplePreview(new RunStore(workspace.root).runDir(runId))
  const html = buildReportHtml(record, {
    appVersion: version,
    generatedAt: new Date(),
    gallery,
    perSample
  })
  await writeFileAtomic(join(outDir, 'report.html'), html)
  if (args.pdf) await htmlToPdf(html, join(outDir, 'report.pdf'))
  // The report's appendix cites the per-sample results: hand them out next to it.
  await copyFile(
    join(new RunStore(workspace.root).runDir(runId), PER_SAMPLE_FILE),
    join(outDir, PER_SAMPLE_FILE)
  ).catch(() => undefined)
  process.stderr.write(
    `wrote ${outDir}/results.json, report.html${args.pdf ? ', report.pdf' : ''} (run ${runId} in ${workspace.root})\n`
  )
  for (const warning of record.warnings ?? []) process.stdout.write(`warning: ${warning.message}\n`)
  const queued = hasSeveralStacks(record.results?.transfer ?? [])
  for (const cell of record.results?.transfer ?? []) {
    // Randomised attack stacks run over several seeds: mean ± 2 std, and the count of the first seed.
    const repeated = (cell.repeats ?? 1) > 1
    const spread = repeated
      ? ` ± ${((cell.std ?? 0) * 200).toFixed(1)} (2 std over ${cell.repeats} seeds)`
      : ''
    process.stdout.write(
      `${queued ? `[${cell.attack}] ` : ''}${cell.surrogate} -> ${cell.target}: ${(cell.successRate * 100).toFixed(1)} %${spread} (${cell.fooled}/${cell.attacked}${repeated ? ' on the first seed' : ''})\n`
    )
  }
  if (record.results?.harden) process.stdout.write('\n' + hardenTable(record.results.harden))
  return 0
}

runCli(main, USAGE)
