/** A model folder as a run writes it (runs/<id>/models/<name>/), from an untrained tiny classifier: fast and deterministic. */
import { TrainingRecipe } from '../../../../main/contract/audit-spec'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { ModelConfig } from '../../../../main/engine/models/classifier'
import { saveClassifier, type ModelManifest } from '../../../../main/engine/models/model-io'
import { tinyConfig } from '../../helpers/tiny-data'

/** Saves an untrained tiny classifier as a run would (manifest.json + weights.bin) and returns its folder. */
export async function saveTinyModel(
  dir: string,
  config: ModelConfig = tinyConfig('small-cnn')
): Promise<ModelManifest> {
  const model = buildClassifier(config, new Rng(7))
  const manifest = await saveClassifier(model, dir, {
    name: 'tiny',
    dataset: 'demo',
    recipe: TrainingRecipe.parse({}),
    seed: 7,
    metrics: []
  })
  model.params.dispose()
  return manifest
}
