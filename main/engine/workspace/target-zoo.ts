/**
 * The target zoo in the workspace: `zoo/targets/<id>/` holds a copy of a checked model's files (an
 * ONNX file, model.json with its shards, or a Flatline model's manifest.json and weights) and `target.json`; `zoo/sets.json` holds the named sets
 * of target ids ("test targets" and "validation targets" always exist).
 *
 * Plain file work, no tensor library: the check that precedes an add runs in the engine process.
 * Files are copied into a hidden staging folder that is renamed into place last and JSON is written
 * atomically, so a failed add or remove leaves the zoo as it was. Writes are serialised in-process.
 */
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join, relative } from 'node:path'
import {
  TEST_SET,
  VALIDATION_SET,
  ZooSets,
  ZooTarget,
  type TargetCheckResult,
  type ZooAddRequest,
  type ZooListing,
  type ZooSet,
  type ZooTargetEntry
} from '../../contract/target-zoo'
import { hashModel, modelFiles } from '../targets/model-files'
import { readJsonFile, writeJsonAtomic } from './atomic-write'

/** A refusal meant for the user as it is (name taken, near chance, unknown id…). */
export class ZooError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ZooError'
  }
}

const DEFAULT_SETS: ZooSet[] = [
  { name: TEST_SET, targetIds: [] },
  { name: VALIDATION_SET, targetIds: [] }
]

export class TargetZoo {
  readonly dir: string
  readonly targetsDir: string
  readonly setsPath: string
  private queue: Promise<unknown> = Promise.resolve()

  constructor(workspaceRoot: string) {
    this.dir = join(workspaceRoot, 'zoo')
    this.targetsDir = join(this.dir, 'targets')
    this.setsPath = join(this.dir, 'sets.json')
  }

  /** Runs one write after the previous one settles, so two adds never race on a name. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  async targets(): Promise<ZooTargetEntry[]> {
    const names = await readdir(this.targetsDir).catch(() => [] as string[])
    const found: ZooTargetEntry[] = []
    for (const id of names.filter((n) => !n.startsWith('.'))) {
      // A folder that is not a complete target (hand-edited, or from a newer version) is skipped, not fatal.
      const parsed = ZooTarget.safeParse(
        await readJsonFile(join(this.targetsDir, id, 'target.json')).catch(() => null)
      )
      if (parsed.success && parsed.data.id === id)
        found.push({ ...parsed.data, path: join(this.targetsDir, id, parsed.data.entry) })
    }
    return found.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.name.localeCompare(b.name))
  }

  /** The stored sets, defaults first, without ids of targets no longer in the zoo. */
  async sets(known?: Set<string>): Promise<ZooSet[]> {
    const ids = known ?? new Set((await this.targets()).map((t) => t.id))
    const raw = await readJsonFile(this.setsPath).catch(() => null)
    const parsed = ZooSets.safeParse(raw)
    const stored = parsed.success ? parsed.data : []
    const merged = [
      ...DEFAULT_SETS.filter((d) => !stored.some((s) => s.name === d.name)).map((d) => ({
        ...d,
        targetIds: []
      })),
      ...stored
    ]
    const order = (s: ZooSet): number =>
      s.name === TEST_SET ? 0 : s.name === VALIDATION_SET ? 1 : 2
    return merged
      .map((s) => ({ name: s.name, targetIds: s.targetIds.filter((id) => ids.has(id)) }))
      .sort((a, b) => order(a) - order(b))
  }

  async list(): Promise<ZooListing> {
    const targets = await this.targets()
    return { targets, sets: await this.sets(new Set(targets.map((t) => t.id))) }
  }

  /** Refuses a name already in the zoo (names are compared without case: they are folder names too). */
  async assertNameFree(name: string): Promise<void> {
    const taken = (await this.targets()).find(
      (t) =>
        t.name.toLowerCase() === name.toLowerCase() || t.id.toLowerCase() === name.toLowerCase()
    )
    if (taken)
      throw new ZooError(
        `the zoo already has a target named "${taken.name}": choose another name, or remove that one first`
      )
  }

  /**
   * Copies a checked model into the zoo; `check` must be the engine's check of the same request.
   * `trainedIn` names the run and model a 'flatline' model folder was copied from.
   */
  add(
    request: ZooAddRequest,
    check: TargetCheckResult,
    trainedIn?: { runId: string; model: string }
  ): Promise<ZooTargetEntry> {
    return this.serial(async () => {
      await this.assertNameFree(request.name)
      if (check.warning && !request.acceptCheck)
        throw new ZooError(
          `"${request.name}" scores ${(100 * check.accuracy).toFixed(1)} % (${check.correct}/${check.sampled})` +
            `${check.nearChance ? `, near chance (${(100 * check.chance).toFixed(1)} %)` : ' as declared'}: ` +
            `${check.warning.message} Fix the preprocessing, or add it with "accept anyway".`
        )
      const files = await modelFiles(request.format, request.path)
      const id = request.name
      await mkdir(this.targetsDir, { recursive: true })
      const staging = join(this.targetsDir, `.adding-${id}-${randomBytes(4).toString('hex')}`)
      try {
        await mkdir(staging)
        // A Flatline model is a folder: its files keep their names inside the target's folder.
        const folder = request.format === 'flatline'
        const base = folder ? request.path : dirname(request.path)
        const names = files.map((f) => (f === request.path ? basename(f) : relative(base, f)))
        for (const [i, file] of files.entries()) {
          const dest = join(staging, names[i])
          await mkdir(dirname(dest), { recursive: true })
          await copyFile(file, dest)
        }
        // The copy must be the model that was checked (the source may have changed since).
        const copied = await hashModel(
          request.format,
          names.map((n) => join(staging, n))
        )
        if (copied.sha256 !== check.sha256)
          throw new ZooError(
            `${request.path} changed after it was checked (its sha256 differs): check it again, then add it.`
          )
        const target = ZooTarget.parse({
          id,
          name: request.name,
          format: request.format,
          entry: folder ? '.' : names[0],
          files: names.map((name, i) => ({ name, sha256: copied.perFile[i] })),
          preprocessing: check.preprocessing,
          sha256: check.sha256,
          check,
          dataset: request.dataset,
          source: request.path,
          ...(trainedIn ? { trainedIn } : {}),
          addedAt: new Date().toISOString()
        })
        await writeJsonAtomic(join(staging, 'target.json'), target)
        await rename(staging, join(this.targetsDir, id))
        return { ...target, path: join(this.targetsDir, id, target.entry) }
      } catch (err) {
        await rm(staging, { recursive: true, force: true })
        throw err
      }
    })
  }

  /** Removes a target and its set memberships (sets first: a failure leaves the target listed and usable). */
  remove(id: string): Promise<{ removed: boolean }> {
    return this.serial(async () => {
      const targets = await this.targets()
      if (!targets.some((t) => t.id === id)) throw new ZooError(`the zoo has no target "${id}"`)
      const sets = await this.sets(new Set(targets.map((t) => t.id)))
      await mkdir(this.dir, { recursive: true })
      await writeJsonAtomic(
        this.setsPath,
        sets.map((s) => ({ ...s, targetIds: s.targetIds.filter((t) => t !== id) }))
      )
      const trash = join(this.targetsDir, `.removing-${id}-${randomBytes(4).toString('hex')}`)
      await rename(join(this.targetsDir, id), trash)
      await rm(trash, { recursive: true, force: true })
      return { removed: true }
    })
  }

  /** Replaces the sets; every id must be a zoo target, and the defaults are kept even when left out. */
  saveSets(sets: ZooSet[]): Promise<ZooSet[]> {
    return this.serial(async () => {
      const parsed = ZooSets.safeParse(sets)
      if (!parsed.success) throw new ZooError(parsed.error.issues.map((i) => i.message).join('; '))
      const ids = new Set((await this.targets()).map((t) => t.id))
      for (const set of parsed.data) {
        const unknown = set.targetIds.filter((id) => !ids.has(id))
        if (unknown.length > 0)
          throw new ZooError(
            `set "${set.name}" names ${unknown.map((u) => `"${u}"`).join(', ')}, not in the zoo`
          )
      }
      const deduped = parsed.data.map((s) => ({
        name: s.name,
        targetIds: [...new Set(s.targetIds)]
      }))
      const complete = [
        ...DEFAULT_SETS.filter((d) => !deduped.some((s) => s.name === d.name)),
        ...deduped
      ]
      await mkdir(this.dir, { recursive: true })
      await writeJsonAtomic(this.setsPath, complete)
      return this.sets(ids)
    })
  }
}
