/**
 * The audit runs in a workspace: `<root>/runs/<runId>/run.json` plus the run's artifacts.
 *
 * Every write is atomic (see `atomic-write.ts`), so a crash or kill never leaves half a record.
 * A record the user broke by hand is reported, never hidden: `get` throws a message naming the
 * file, and `list` shows the run as `unreadable` with the reason while listing every other run.
 * Run ids are checked against one pattern before they touch a path, so an id cannot escape `runs/`.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { RunRecord, type RunSummary } from '../../contract/run-record'
import { fsyncDirectory, InvalidJsonError, readJsonFile, writeJsonAtomic } from './atomic-write'

/** The same rule the API applies to run ids (main/contract/api.ts). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/

/** Artifacts are plain file names inside the run folder: no folders, no hidden or `..` names. */
const ARTIFACT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

const RUN_FILE = 'run.json'

/** The `error` of a run found `running` with no engine working on it. */
export const INTERRUPTED_MESSAGE =
  'the engine stopped before the run finished (crash or kill); results of this run are incomplete'

/** Thrown when a run id is not safe to use as a folder name. */
export function assertRunId(runId: string): void {
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) {
    throw new Error(
      `invalid run id ${JSON.stringify(runId)}: ` +
        'a run id holds only letters, digits, "-" and "_" (1 to 80 characters)'
    )
  }
}

/** Thrown by `RunStore.get` and `update` when the run has no `run.json`. */
export class RunNotFoundError extends Error {
  constructor(
    readonly runId: string,
    readonly path: string
  ) {
    super(`run "${runId}" not found: ${path} does not exist`)
    this.name = 'RunNotFoundError'
  }
}

/** Thrown when a `run.json` is valid JSON but not a valid run record. */
export class InvalidRunRecordError extends Error {
  constructor(
    readonly path: string,
    readonly field: string,
    readonly detail: string
  ) {
    super(
      `${path} is not a valid run record: ${field}: ${detail}. It was probably edited by hand. ` +
        'Fix or delete the file; the rest of the workspace is unaffected.'
    )
    this.name = 'InvalidRunRecordError'
  }
}

/**
 * A new run id: sortable by time, readable, safe as a folder name.
 *
 * `YYYYMMDD-HHMMSS-<name slug>-<4 hex>`, e.g. `20261121-223000-demo-audit-3f9a`. The time is UTC so
 * ids sort in creation order across time-zone and daylight-saving changes; the random tail keeps two
 * runs started in the same second apart.
 */
export function newRunId(name: string, date: Date = new Date()): string {
  if (Number.isNaN(date.getTime())) throw new Error('newRunId: the date is invalid')
  const stamp = date
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-')
  const slug =
    name
      // Decompose accents and drop the marks, so "Démo" becomes "demo" rather than "de-mo".
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 40)
      .replace(/^-+|-+$/g, '') || 'run'
  return `${stamp}-${slug}-${randomBytes(2).toString('hex')}`
}

/** The creation time encoded in an id made by `newRunId`, as ISO text, or undefined. */
function timeFromRunId(runId: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(runId)
  if (!m) return undefined
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`
  return Number.isNaN(Date.parse(iso)) ? undefined : iso
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Checks a record before it is written, so the store never writes what `get` would reject. */
function checkRecordToWrite(record: RunRecord, action: string): void {
  assertRunId(record.id)
  const parsed = RunRecord.safeParse(record)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.length ? issue.path.join('.') : '(record)'
    throw new Error(`cannot ${action} run "${record.id}": ${field}: ${issue.message}`)
  }
}

function uniqueSuffix(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`
}

/** Reads and writes the runs of one workspace. */
export class RunStore {
  /** `<root>/runs`. */
  readonly runsDir: string

  constructor(root: string) {
    this.runsDir = join(root, 'runs')
  }

  /** See the exported `newRunId`. */
  newRunId(name: string, date: Date = new Date()): string {
    return newRunId(name, date)
  }

  /** The folder of one run (checked id). */
  runDir(runId: string): string {
    assertRunId(runId)
    return join(this.runsDir, runId)
  }

  /** The `run.json` of one run (checked id). */
  recordPath(runId: string): string {
    return join(this.runDir(runId), RUN_FILE)
  }

  /** A file inside the run's folder, e.g. `report.pdf`; rejects names with folders or `..`. */
  artifactPath(runId: string, fileName: string): string {
    if (typeof fileName !== 'string' || !ARTIFACT_NAME_PATTERN.test(fileName)) {
      throw new Error(
        `invalid artifact file name ${JSON.stringify(fileName)}: use a plain file name ` +
          '(letters, digits, "-", "_", "."; starting with a letter or digit; no folders)'
      )
    }
    return join(this.runDir(runId), fileName)
  }

  /**
   * Writes a new run.
   *
   * The record is written into a hidden staging folder which is then renamed to `runs/<id>`, so the
   * run appears complete or not at all. Throws if the run already has a record.
   */
  async create(record: RunRecord): Promise<void> {
    checkRecordToWrite(record, 'create')
    await mkdir(this.runsDir, { recursive: true })
    const dir = this.runDir(record.id)
    const file = this.recordPath(record.id)
    const alreadyExists = `run "${record.id}" already exists (${file}); pick a new run id`
    if (await isDirectory(dir)) {
      // Someone made the folder first (e.g. to hold artifacts): fill it unless it already has a record.
      if (await exists(file)) throw new Error(alreadyExists)
      await writeJsonAtomic(file, record)
      return
    }
    const staging = join(this.runsDir, `.${record.id}.${uniqueSuffix()}.tmp`)
    await mkdir(staging)
    try {
      await writeJsonAtomic(join(staging, RUN_FILE), record)
      await rename(staging, dir)
    } catch (error) {
      await rm(staging, { recursive: true, force: true })
      const code = errorCode(error)
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new Error(alreadyExists)
      throw error
    }
    await fsyncDirectory(this.runsDir)
  }

  /** Replaces the record of an existing run, atomically. */
  async update(record: RunRecord): Promise<void> {
    checkRecordToWrite(record, 'update')
    const file = this.recordPath(record.id)
    if (!(await isDirectory(this.runDir(record.id)))) throw new RunNotFoundError(record.id, file)
    await writeJsonAtomic(file, record)
  }

  /**
   * Reads and checks one run's record.
   *
   * Throws `RunNotFoundError`, `InvalidJsonError` or `InvalidRunRecordError` (which names the first
   * bad field); each message names the file.
   */
  async get(runId: string): Promise<RunRecord> {
    const file = this.recordPath(runId)
    return parseRecord(await readRecordJson(runId, file), file, runId)
  }

  /**
   * Every run, newest first.
   *
   * A `running` record whose id is not in `activeRunIds` is reported as `interrupted` (its engine is
   * gone). A run whose record cannot be read is listed as `unreadable` with `problem` set. Hidden
   * entries (staging folders, temp files left by a kill) and folders whose names are not run ids
   * are skipped: they are not runs and could not be opened by id.
   */
  async list(activeRunIds: ReadonlySet<string> = new Set()): Promise<RunSummary[]> {
    const ids = await this.runIds()
    const summaries = await Promise.all(ids.map((id) => this.summarize(id, activeRunIds)))
    return summaries.sort(newestFirst)
  }

  /** Deletes a run and its artifacts; false if there was no such run. */
  async remove(runId: string): Promise<boolean> {
    const dir = this.runDir(runId)
    // Rename first so a crash halfway through deleting cannot leave a half-deleted run in the list.
    const trash = join(this.runsDir, `.${runId}.deleting-${uniqueSuffix()}.tmp`)
    try {
      await rename(dir, trash)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false
      // Windows refuses to rename a folder with an open file inside; delete in place instead.
      await rm(dir, { recursive: true, force: true, maxRetries: 3 })
      return true
    }
    await rm(trash, { recursive: true, force: true, maxRetries: 3 })
    return true
  }

  /**
   * Rewrites stale `running` records as `interrupted`.
   *
   * Called when an engine starts: any run still `running` that no live job owns was cut short.
   * `finishedAt` is removed (the run never finished) and `error` explains what happened. Unreadable
   * records are left alone for the user to see. Returns the ids rewritten.
   */
  async markInterrupted(activeRunIds: ReadonlySet<string> = new Set()): Promise<string[]> {
    const rewritten: string[] = []
    for (const id of await this.runIds()) {
      if (activeRunIds.has(id)) continue
      let record: RunRecord
      try {
        record = await this.get(id)
      } catch {
        continue
      }
      if (record.status !== 'running') continue
      const next: RunRecord = { ...record, status: 'interrupted', error: INTERRUPTED_MESSAGE }
      delete next.finishedAt
      await writeJsonAtomic(this.recordPath(id), next)
      rewritten.push(id)
    }
    return rewritten
  }

  /** Names of the folders under `runs/` that are run ids. */
  private async runIds(): Promise<string[]> {
    let entries
    try {
      entries = await readdir(this.runsDir, { withFileTypes: true })
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []
      throw error
    }
    return entries.filter((e) => e.isDirectory() && RUN_ID_PATTERN.test(e.name)).map((e) => e.name)
  }

  private async summarize(id: string, activeRunIds: ReadonlySet<string>): Promise<RunSummary> {
    const file = this.recordPath(id)
    let raw: unknown
    try {
      raw = await readRecordJson(id, file)
      const record = parseRecord(raw, file, id)
      const status =
        record.status === 'running' && !activeRunIds.has(id) ? 'interrupted' : record.status
      return { id, name: record.name, status, createdAt: record.createdAt }
    } catch (error) {
      const problem =
        error instanceof RunNotFoundError
          ? `${file} is missing, so this folder holds no run record. Delete the folder if you do not need it.`
          : errorMessage(error)
      // Salvage what the broken record still tells, so the user can recognise the run.
      const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
      const name = typeof fields.name === 'string' ? fields.name : id
      const createdAt =
        (typeof fields.createdAt === 'string' ? fields.createdAt : undefined) ??
        timeFromRunId(id) ??
        (await modifiedTime(this.runDir(id)))
      return { id, name, status: 'unreadable', createdAt, problem }
    }
  }
}

async function readRecordJson(runId: string, file: string): Promise<unknown> {
  try {
    return await readJsonFile(file)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new RunNotFoundError(runId, file)
    if (error instanceof InvalidJsonError) throw error
    throw new Error(`cannot read ${file}: ${errorMessage(error)}`)
  }
}

function parseRecord(raw: unknown, file: string, runId: string): RunRecord {
  const parsed = RunRecord.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.length ? issue.path.join('.') : '(record)'
    throw new InvalidRunRecordError(file, field, issue.message)
  }
  // The folder name is the id the app opens the run by; a copied folder keeps the old id inside.
  return { ...parsed.data, id: runId }
}

function newestFirst(a: RunSummary, b: RunSummary): number {
  const ta = Date.parse(a.createdAt)
  const tb = Date.parse(b.createdAt)
  const va = Number.isNaN(ta) ? -Infinity : ta
  const vb = Number.isNaN(tb) ? -Infinity : tb
  if (va !== vb) return vb - va
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false
    throw error
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false
    throw error
  }
}

async function modifiedTime(path: string): Promise<string> {
  try {
    return (await stat(path)).mtime.toISOString()
  } catch {
    return ''
  }
}
