/**
 * `npm run bench`: throughput of the demo surrogate on the active backend.
 *
 * Prints training images/s (SGD, forward + backward + update, batch 64) and BIM adversarial
 * examples/s (50 steps, batch 100) for the demo CNN, and the same for the demo ResNet. Figures,
 * not assertions: CI does not run this.
 */
import * as tf from '@tensorflow/tfjs-core'
import { TrainingRecipe } from '../main/contract/audit-spec'
import { bimAttack } from '../main/engine/attacks/bim'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { batchTensors, limitSplit, range } from '../main/engine/data/dataset'
import { loadEmbeddedDemo } from '../main/engine/data/embedded-demo'
import { Rng } from '../main/engine/data/rng'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { ModelConfig } from '../main/engine/models/classifier'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { trainClassifier } from '../main/engine/training/train-classifier'

await initBackend()
const data = await loadEmbeddedDemo()
const normalization = measureNormalization(data.train.images, 1)
console.log(`backend: ${backendDescription()}, tfjs ${tf.version_core}`)

for (const [arch, width] of [
  ['small-cnn', 16],
  ['small-resnet', 16],
  ['small-cnn', 24]
] as const) {
  const config: ModelConfig = {
    arch,
    width,
    inputShape: [28, 28, 1],
    numClasses: 10,
    normalization
  }
  const model = buildClassifier(config, new Rng(1))
  const train = limitSplit(data.train, 1920)
  const recipe = TrainingRecipe.parse({ epochs: 1, batchSize: 64, lr: 0.05 })
  // One warm-up epoch on a few batches so kernel setup is not timed.
  await trainClassifier(model, {
    name: 'warmup',
    recipe,
    train: limitSplit(train, 128),
    test: limitSplit(data.test, 10),
    flipPreservesLabel: true,
    rng: new Rng(2)
  })
  const t0 = performance.now()
  const history = await trainClassifier(model, {
    name: 'bench',
    recipe,
    train,
    test: limitSplit(data.test, 10),
    flipPreservesLabel: true,
    rng: new Rng(3)
  })
  const trainSeconds = history[0].seconds
  const { x, y } = batchTensors(data.test, range(100))
  const eps = 16 / 255
  const warm = bimAttack(model, x, y, { eps, stepSize: eps / 10, steps: 2 })
  warm.dispose()
  const t1 = performance.now()
  const adv = bimAttack(model, x, y, { eps, stepSize: eps / 10, steps: 50 })
  await adv.data()
  const bimSeconds = (performance.now() - t1) / 1000
  tf.dispose([x, y, adv])
  console.log(
    `${arch} w=${width} (${model.params.countTrainable()} params): training ${(train.count / trainSeconds).toFixed(0)} images/s ` +
      `(1 epoch of ${train.count} in ${trainSeconds.toFixed(1)} s, wall ${((performance.now() - t0) / 1000 - bimSeconds).toFixed(1)} s); ` +
      `BIM 50 steps ${(100 / bimSeconds).toFixed(1)} adversarial examples/s (${(5000 / bimSeconds).toFixed(0)} image-gradients/s)`
  )
  model.params.dispose()
}
