/**
 * Headless study: `npm run study -- --preset quick --out DIR [--workers N]` (issue 14).
 *
 * Runs the study in this process and writes DIR/study.json (with its `claims`), report.html and
 * report.pdf; progress goes to stderr, Table 3, Table 4 and the verdicts to stdout. DIR also gets
 * flatline-study.json: the same command run again on DIR (or `--resume DIR`) continues the study
 * from its completed seeds and its last saved epoch. Exit codes: 0 done, 1 failed, 2 bad arguments
 * or spec, 130 cancelled (Ctrl-C).
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describeSpecError } from '../contract/audit-spec'
import { studyPreset } from '../contract/study-presets'
import type { StudyRecord } from '../contract/study-record'
import { StudySpec } from '../contract/study-spec'
import { backendDescription, initBackend } from '../engine/backend/select-backend'
import { THREADS_ENV_VAR } from '../contract/threads'
import { resolveThreads } from '../engine/backend/thread-count'
import { poolShape } from '../engine/pool/pool-size'
import { buildStudyReportHtml } from '../engine/report/study-report-html'
import { runStudy } from '../engine/studies/run-study'
import { writeFileAtomic, writeJsonAtomic } from '../engine/workspace/atomic-write'
import { StudyStore } from '../engine/workspace/study-store'
import { defaultWorkspaceRoot, ensureWorkspace } from '../engine/workspace/workspace-root'
import { htmlToPdf } from '../report/pdf-chromium'
import { appVersion } from './app-version'
import { createProgressPrinter } from './progress-printer'
import { parseStudyArgs, STUDY_USAGE, type StudyCliArgs } from './study-args'
import { readStudyPointer, writeStudyPointer } from './study-pointer'
import { studySummaryText } from './study-summary'
import { runCli } from './run-cli'

/** The spec the arguments ask for: a preset or a file, with --workers applied. */
async function requestedSpec(args: StudyCliArgs): Promise<StudySpec> {
  let input: unknown
  if (args.preset)
    input = studyPreset(args.preset, {
      full: args.full,
      dataPath: args.data,
      paperWidths: args.paperWidths
    })
  else {
    const path = args.spec!
    const text = await readFile(path, 'utf8').catch((error: Error) => {
      throw new Error(`Cannot read the study file ${path}: ${error.message}`)
    })
    try {
      input = JSON.parse(text)
    } catch (error) {
      throw new Error(`The study file ${path} is not valid JSON: ${(error as Error).message}`)
    }
  }
  const parsed = StudySpec.safeParse(
    args.workers ? { ...(input as object), workers: args.workers } : input
  )
  if (!parsed.success)
    throw new Error(
      `The study ${args.preset ? `preset "${args.preset}"` : `file ${args.spec}`} is invalid:\n${describeSpecError(parsed.error)}`
    )
  return parsed.data
}

/** Two specs ask for the same study when they differ at most in their worker count. */
function sameStudy(a: StudySpec, b: StudySpec): boolean {
  return (
    JSON.stringify({ ...a, workers: undefined }) === JSON.stringify({ ...b, workers: undefined })
  )
}

async function main(argv: string[]): Promise<number> {
  const args = parseStudyArgs(argv)
  const outDir = resolve(args.out)
  let spec: StudySpec
  let stored: StudyRecord | undefined
  let workspaceRoot: string
  try {
    const pointer = await readStudyPointer(outDir)
    workspaceRoot = args.workspace ?? pointer?.workspace ?? defaultWorkspaceRoot()
    if (pointer) stored = await new StudyStore(workspaceRoot).get(pointer.studyId)
    if (args.resume) {
      if (!stored)
        throw new Error(
          `cannot resume from ${outDir}: it holds no study (no flatline-study.json). Pass the --out folder of an earlier \`npm run study\`.`
        )
      spec = args.workers ? { ...stored.spec, workers: args.workers } : stored.spec
    } else {
      spec = await requestedSpec(args)
      if (stored && !sameStudy(stored.spec, spec))
        throw new Error(
          `${outDir} holds another study ("${stored.name}", ${stored.id}): choose another --out, or continue that one with --resume ${args.out}`
        )
    }
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return 2
  }
  await mkdir(outDir, { recursive: true })
  const workspace = await ensureWorkspace(workspaceRoot)
  const store = new StudyStore(workspace.root)
  let record: StudyRecord
  if (stored?.status === 'completed') {
    process.stderr.write(`study ${stored.id} is already complete: writing its outputs again\n`)
    record = stored
  } else {
    await initBackend({ threads: args.threads })
    // As `npm run audit`: threads count as chosen when given, and the workers share the cores by them.
    const threads =
      args.threads ?? (process.env[THREADS_ENV_VAR] ? resolveThreads(undefined) : undefined)
    const execution = {
      workers: args.workers ?? spec.workers ?? poolShape({ threads }).workers,
      threads
    }
    const controller = new AbortController()
    process.once('SIGINT', () => {
      process.stderr.write('\ncancelling (finishing the current batch)…\n')
      controller.abort()
    })
    const studyId = stored?.id ?? store.newStudyId(spec.name)
    if (!stored) await writeStudyPointer(outDir, { studyId, workspace: workspace.root })
    else
      process.stderr.write(
        `continuing study ${studyId} (${stored.results.seeds.length} of ${stored.spec.seeds.length} seeds done)\n`
      )
    try {
      record = await runStudy(spec, {
        jobId: `cli-${studyId}`,
        studyId,
        workspaceRoot: workspace.root,
        backend: backendDescription(),
        appVersion: appVersion(),
        emit: createProgressPrinter(),
        signal: controller.signal,
        resume: stored,
        execution
      })
    } catch (error) {
      process.stderr.write(
        `study ${controller.signal.aborted ? 'cancelled' : `failed: ${(error as Error).message}`}; run the same command again to continue it\n`
      )
      return controller.signal.aborted ? 130 : 1
    }
  }
  await writeJsonAtomic(join(outDir, 'study.json'), record)
  const html = buildStudyReportHtml(record, { appVersion: appVersion(), generatedAt: new Date() })
  await writeFileAtomic(join(outDir, 'report.html'), html)
  if (args.pdf) await htmlToPdf(html, join(outDir, 'report.pdf'))
  process.stderr.write(
    `wrote ${outDir}/study.json, report.html${args.pdf ? ', report.pdf' : ''} (study ${record.id} in ${workspace.root})\n`
  )
  process.stdout.write(studySummaryText(record) + '\n')
  return 0
}

runCli(main, STUDY_USAGE)
