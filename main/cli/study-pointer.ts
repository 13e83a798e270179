/**
 * `flatline-study.json` in a study's --out folder: which study (id and workspace) it holds, so the
 * same command run again, or `--resume <dir>`, continues it after a Ctrl-C, a crash or a failure.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { readJsonFile, writeJsonAtomic } from '../engine/workspace/atomic-write'

export const STUDY_POINTER_FILE = 'flatline-study.json'

const StudyPointer = z.object({
  studyId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  workspace: z.string().min(1)
})
export type StudyPointer = z.infer<typeof StudyPointer>

export async function writeStudyPointer(outDir: string, pointer: StudyPointer): Promise<void> {
  await writeJsonAtomic(join(outDir, STUDY_POINTER_FILE), pointer)
}

/** The study an earlier run on `outDir` started, or null when the folder holds none. */
export async function readStudyPointer(outDir: string): Promise<StudyPointer | null> {
  const raw = await readJsonFile(join(outDir, STUDY_POINTER_FILE)).catch(() => null)
  if (raw === null) return null
  const parsed = StudyPointer.safeParse(raw)
  if (!parsed.success)
    throw new Error(
      `${join(outDir, STUDY_POINTER_FILE)} does not name a study (${parsed.error.issues[0].message})`
    )
  return parsed.data
}
