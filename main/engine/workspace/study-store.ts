/**
 * The studies of a workspace: `studies/<id>/study.json` (contract/study-record.ts), written
 * atomically when the study starts and after every seed. A study still `running` with no engine
 * behind it was cut short and is listed as interrupted; it resumes from the seeds it completed.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { StudyRecord, type StudySummary } from '../../contract/study-record'
import { readJsonFile, writeJsonAtomic } from './atomic-write'
import { assertRunId, newRunId, RUN_ID_PATTERN } from './run-store'

export class StudyNotFoundError extends Error {}

export class StudyStore {
  readonly studiesDir: string

  constructor(root: string) {
    this.studiesDir = join(root, 'studies')
  }

  newStudyId(name: string): string {
    return newRunId(name)
  }

  studyDir(id: string): string {
    assertRunId(id)
    return join(this.studiesDir, id)
  }

  /** Writes the record (first write or update), after checking it against the contract. */
  async save(record: StudyRecord): Promise<void> {
    const parsed = StudyRecord.safeParse(record)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new Error(
        `cannot save study "${record.id}": ${issue.path.join('.') || '(record)'}: ${issue.message}`
      )
    }
    await mkdir(this.studyDir(record.id), { recursive: true })
    await writeJsonAtomic(join(this.studyDir(record.id), 'study.json'), record)
  }

  async get(id: string): Promise<StudyRecord> {
    const file = join(this.studyDir(id), 'study.json')
    const raw = await readJsonFile(file).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT'
        ? new StudyNotFoundError(`there is no study "${id}" (${file} is missing)`)
        : error
    })
    const parsed = StudyRecord.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new Error(
        `${file} is not a valid study record (${issue.path.join('.')}: ${issue.message})`
      )
    }
    return parsed.data
  }

  /** Every study, newest first; a `running` one no engine owns is reported as interrupted. */
  async list(active: ReadonlySet<string> = new Set()): Promise<StudySummary[]> {
    const names = await readdir(this.studiesDir).catch(() => [] as string[])
    const out: StudySummary[] = []
    for (const id of names.filter((n) => RUN_ID_PATTERN.test(n))) {
      try {
        const s = await this.get(id)
        const status = s.status === 'running' && !active.has(id) ? 'interrupted' : s.status
        out.push({
          id,
          name: s.name,
          status,
          createdAt: s.createdAt,
          seedsDone: s.results.seeds.length,
          seedsTotal: s.spec.seeds.length
        })
      } catch (error) {
        out.push({
          id,
          name: id,
          status: 'unreadable',
          createdAt: '',
          seedsDone: 0,
          seedsTotal: 0,
          problem: (error as Error).message
        })
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  }

  /** Deletes the study record (its seeds' audit runs stay in runs/, listed with the other runs). */
  async remove(id: string): Promise<void> {
    await rm(this.studyDir(id), { recursive: true, force: true })
  }
}
