/**
 * A study's targets live in the target zoo, trained once and reused across seeds and studies. A
 * target's zoo id is its name plus a hash of what its weights depend on — architecture, width,
 * seed, recipe and the training data (source, folder, limits, validation split) — so a later study
 * with the same target on the same data finds it, and a different one never does.
 */
import { createHash } from 'node:crypto'
import { join, resolve } from 'node:path'
import { trainedIdentity, type DatasetSpec, type ModelSpec } from '../../contract/audit-spec'
import type { TargetSources } from '../../contract/study-plan'
import { ZooAddRequest } from '../../contract/target-zoo'
import { checkTargetOnDataset } from '../targets/check-target-on-dataset'
import { TargetZoo } from '../workspace/target-zoo'

/** What the training images of a target depend on (not the test limit: it is not trained on). */
function trainingData(d: DatasetSpec): string {
  return JSON.stringify({
    source: d.source,
    path: d.path ? resolve(d.path) : null,
    trainLimit: d.trainLimit,
    validationSize: d.validationSize,
    splitSeed: d.splitSeed ?? 0,
    imageSize: d.imageSize ?? null
  })
}

export function zooIdOf(target: ModelSpec, dataset: DatasetSpec): string {
  const hash = createHash('sha256')
    .update(trainedIdentity(target))
    .update(trainingData(dataset))
    .digest('hex')
    .slice(0, 10)
  return `${target.name.slice(0, 52)}-${hash}`
}

/** Each target's source for the next audit: its zoo folder when the zoo has it, else 'train'. */
export async function zooSources(
  targets: readonly ModelSpec[],
  dataset: DatasetSpec,
  zoo: TargetZoo
): Promise<Map<string, { zooPath: string } | 'train'>> {
  const stored = new Map((await zoo.targets()).map((t) => [t.id, t]))
  const sources = new Map<string, { zooPath: string } | 'train'>()
  for (const t of targets) {
    const entry = stored.get(zooIdOf(t, dataset))
    sources.set(t.name, entry && entry.format === 'flatline' ? { zooPath: entry.path } : 'train')
  }
  return sources
}

/**
 * Copies the targets an audit run trained into the zoo (checked on the study's data first, as every
 * zoo target is). A target near chance is refused by the zoo with its accuracy: a study on it would
 * measure nothing.
 */
export async function addTrainedTargets(
  trained: readonly ModelSpec[],
  run: { id: string; dir: string },
  dataset: DatasetSpec,
  zoo: TargetZoo
): Promise<TargetSources> {
  const added = new Map<string, { zooPath: string }>()
  const stored = new Map((await zoo.targets()).map((t) => [t.id, t]))
  for (const t of trained) {
    // A study cut short after adding some of them finds those already there.
    const existing = stored.get(zooIdOf(t, dataset))
    if (existing) {
      added.set(t.name, { zooPath: existing.path })
      continue
    }
    const request = ZooAddRequest.parse({
      format: 'flatline',
      path: join(run.dir, 'models', t.name),
      dataset,
      name: zooIdOf(t, dataset)
    })
    const check = await checkTargetOnDataset(request)
    if (check.nearChance)
      throw new Error(
        `target "${t.name}" (${t.arch}) scores ${(100 * check.accuracy).toFixed(1)} % (${check.correct}/${check.sampled}) on the test images, near chance ` +
          `(${(100 * check.chance).toFixed(1)} %): transfer to it would measure nothing. Train it longer (more epochs in its recipe) or on more images.`
      )
    const entry = await zoo.add(request, check, { runId: run.id, model: t.name })
    added.set(t.name, { zooPath: entry.path })
  }
  return added
}
