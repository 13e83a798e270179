/** Loads a model an earlier task of the run saved, checking it is the one that task reported. */
import { join } from 'node:path'
import type { Classifier } from '../models/classifier'
import { loadClassifier } from '../models/model-io'
import type { TaskContext } from './audit-task'

/** The model in `runDir/<folder>`, freed when the task ends; refused unless its weights hash to `hash`. */
export async function loadRunModel(
  ctx: TaskContext,
  folder: string,
  hash: string
): Promise<Classifier> {
  const { model, manifest } = await loadClassifier(join(ctx.runDir, folder))
  ctx.defer(() => model.params.dispose())
  if (manifest.sha256 !== hash)
    throw new Error(
      `${folder} in the run folder holds weights ${manifest.sha256.slice(0, 12)}…, not the ${hash.slice(0, 12)}… its training reported: was it overwritten?`
    )
  return model
}
