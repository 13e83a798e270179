/**
 * `npm run bench:minimizers`: wall time per training epoch of SGD, SAM and LookSAM on the demo
 * data and the demo CNN, and the measured SAM/SGD and LookSAM/SGD ratios next to the pass-count
 * ratios the paper's Table 3 predicts (2 and 1 + 1/k after warm-up). LookSAM is timed after its
 * SAM warm-up (warmupEpochs 0, k 5), i.e. its steady-state epoch. Figures, not assertions.
 *
 * Options: --train N (images, default 1920), --width W (default 16), --epochs E (timed epochs per
 * minimizer, default 2), --arch small-cnn|small-resnet.
 */
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { TrainingRecipe } from '../main/contract/audit-spec'
import type { MinimizerSpec } from '../main/contract/minimizer-spec'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { limitSplit } from '../main/engine/data/dataset'
import { loadEmbeddedDemo } from '../main/engine/data/embedded-demo'
import { Rng } from '../main/engine/data/rng'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { ModelConfig } from '../main/engine/models/classifier'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { trainClassifier } from '../main/engine/training/train-classifier'

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '1920' },
    width: { type: 'string', default: '16' },
    epochs: { type: 'string', default: '2' },
    arch: { type: 'string', default: 'small-cnn' }
  }
})
const arch = values.arch === 'small-resnet' ? 'small-resnet' : 'small-cnn'
const width = Number(values.width)
const epochs = Number(values.epochs)

await initBackend()
const data = await loadEmbeddedDemo()
const normalization = measureNormalization(data.train.images, 1)
const train = limitSplit(data.train, Number(values.train))
const test = limitSplit(data.test, 10)
const config: ModelConfig = { arch, width, inputShape: [28, 28, 1], numClasses: 10, normalization }
console.log(
  `backend: ${backendDescription()}, tfjs ${tf.version_core}; ${arch} w=${width}, ${train.count} images, batch 64, ${epochs} timed epoch(s) each`
)

const runs: [string, MinimizerSpec][] = [
  ['SGD', { id: 'sgd' }],
  ['SAM ρ 0.05', { id: 'sam', rho: 0.05 }],
  [
    'LookSAM k 5 (after warm-up)',
    { id: 'looksam', rho: 0.05, k: 5, alpha: 0.7, warmupEpochs: 0, projection: 'global' }
  ]
]
const perEpoch: number[] = []
for (const [label, minimizer] of runs) {
  const model = buildClassifier(config, new Rng(1))
  const recipe = TrainingRecipe.parse({ epochs, batchSize: 64, lr: 0.05, minimizer })
  // A short warm-up run so kernel setup is not timed.
  await trainClassifier(model, {
    name: 'warmup',
    recipe: { ...recipe, epochs: 1 },
    train: limitSplit(train, 128),
    test,
    flipPreservesLabel: true,
    rng: new Rng(2)
  })
  const history = await trainClassifier(model, {
    name: 'bench',
    recipe,
    train,
    test,
    flipPreservesLabel: true,
    rng: new Rng(3)
  })
  const seconds = history.reduce((s, m) => s + m.seconds, 0) / history.length
  const passes = history.reduce((s, m) => s + (m.passes ?? 0), 0) / history.length
  perEpoch.push(seconds)
  console.log(
    `${label.padEnd(30)} ${seconds.toFixed(2)} s/epoch, ${passes} forward-backward passes/epoch, loss ${history.at(-1)!.loss.toFixed(3)}`
  )
  model.params.dispose()
}
const steps = Math.ceil(train.count / 64)
console.log(
  `SAM/SGD wall ${(perEpoch[1] / perEpoch[0]).toFixed(2)} (passes 2.00); ` +
    `LookSAM/SGD wall ${(perEpoch[2] / perEpoch[0]).toFixed(2)} (passes ${((steps + Math.ceil(steps / 5)) / steps).toFixed(2)})`
)
