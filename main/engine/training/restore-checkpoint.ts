/**
 * Early stopping's last step: load a saved epoch checkpoint into the live model in place, so the
 * chosen epoch becomes the surrogate the attack phase uses (and the model freed with the others).
 */
import { loadClassifier, type ModelManifest } from '../models/model-io'
import type { Classifier } from '../models/classifier'

/** Copies every tensor of the checkpoint in `dir` (hash-checked) into `model`; returns its manifest. */
export async function restoreCheckpoint(model: Classifier, dir: string): Promise<ModelManifest> {
  const { model: saved, manifest } = await loadClassifier(dir)
  try {
    const tensors = saved.params.all()
    for (const [name, v] of model.params.all()) {
      const w = tensors.get(name)
      if (!w || w.shape.join() !== v.shape.join())
        throw new Error(
          `checkpoint ${dir} does not fit the model: tensor "${name}" is missing or has another shape`
        )
      v.assign(w)
    }
  } finally {
    saved.params.dispose()
  }
  return manifest
}
