/**
 * `flatline-run.json` in a CLI output folder: which run (id and workspace) the folder's audit wrote,
 * so `npm run audit -- --resume <dir>` can continue it after a Ctrl-C, a crash or a failure.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { readJsonFile, writeJsonAtomic } from '../engine/workspace/atomic-write'

export const RUN_POINTER_FILE = 'flatline-run.json'

const RunPointer = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  workspace: z.string().min(1)
})
export type RunPointer = z.infer<typeof RunPointer>

export async function writeRunPointer(outDir: string, pointer: RunPointer): Promise<void> {
  await writeJsonAtomic(join(outDir, RUN_POINTER_FILE), pointer)
}

/** The run an earlier `--out <outDir>` started; the message says what to do when there is none. */
export async function readRunPointer(outDir: string): Promise<RunPointer> {
  const path = join(outDir, RUN_POINTER_FILE)
  let raw: unknown
  try {
    raw = await readJsonFile(path)
  } catch (error) {
    throw new Error(
      `cannot resume from ${outDir}: ${path} is missing or unreadable (${(error as Error).message}). ` +
        'Pass the --out folder of an earlier `npm run audit` (it writes that file when the audit starts).'
    )
  }
  const parsed = RunPointer.safeParse(raw)
  if (!parsed.success)
    throw new Error(
      `cannot resume from ${outDir}: ${path} does not name a run (${parsed.error.issues[0].message}).`
    )
  return parsed.data
}
