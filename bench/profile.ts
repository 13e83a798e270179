/**
 * `npm run bench:profile`: where one training step and one BIM step spend their time.
 *
 * For the demo small-cnn and small-resnet (w = 16) it times steps as the engine runs them — a
 * training step is batch assembly, augmentation, the forward-backward pass with batch-norm updates,
 * the loss read-back and the SGD-momentum update (batch 64); a BIM step is one input gradient and
 * the sign step (batch 100) — first plainly, then with every kernel timed (kernel-profiler.ts). It
 * prints per kernel: launches per step, ms per step, µs per launch; then the kernel total, the
 * time outside kernels (dispatch, tape, gradient functions, disposal, our JS), and what one empty
 * launch costs the engine (a 1-element add), so launches × that is the floor of the overhead.
 *
 *   npm run bench:profile [-- --threads N] [-- --steps N]
 */
import * as tf from '@tensorflow/tfjs-core'
import { parseArgs } from 'node:util'
import { TrainingRecipe } from '../main/contract/audit-spec'
import { runAttack } from '../main/engine/attacks/attack-loop'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { augmentBatch } from '../main/engine/data/augment'
import { batchTensors, limitSplit, range } from '../main/engine/data/dataset'
import { loadEmbeddedDemo } from '../main/engine/data/embedded-demo'
import { Rng } from '../main/engine/data/rng'
import { createMinimizer } from '../main/engine/minimizers/minimizer-registry'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { Classifier, ModelConfig } from '../main/engine/models/classifier'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { BatchObjective } from '../main/engine/training/batch-objective'
import { SgdMomentum } from '../main/engine/training/sgd-step'
import { profileStep } from './kernel-profile-table'

const { values: opts } = parseArgs({
  options: { threads: { type: 'string', default: '1' }, steps: { type: 'string', default: '10' } }
})
const steps = Number(opts.steps)
await initBackend({ threads: Number(opts.threads) })
// The tfjs backend whose kernels run ('wasm' also for the wasm-native rung).
const backendName = tf.getBackend()
const data = await loadEmbeddedDemo()
const normalization = measureNormalization(data.train.images, 1)
const recipe = TrainingRecipe.parse({ epochs: 1, batchSize: 64, lr: 0.05 })
console.log(
  `bench:profile — ${backendDescription()}, tfjs ${tf.version_core}; ${steps} steps per figure (loaded machine: compare shares, not absolutes)`
)

/** What one engine launch costs with nothing to compute: many 1-element adds, µs each. */
function emptyLaunchMicros(): number {
  const a = tf.scalar(1)
  const n = 5000
  const started = performance.now()
  for (let i = 0; i < n; i++) tf.add(a, a).dispose()
  const us = ((performance.now() - started) * 1000) / n
  a.dispose()
  return us
}

function trainingStep(model: Classifier, rng: Rng): () => Promise<void> {
  const optimizer = new SgdMomentum(recipe.momentum, recipe.weightDecay)
  const minimizer = createMinimizer({ id: 'sgd' }, optimizer)
  const train = limitSplit(data.train, 64 * 20)
  let index = 0
  return async () => {
    const indices = range(64).map((i) => (index * 64 + i) % train.count)
    index++
    const { x, y } = tf.tidy(() => {
      const batch = batchTensors(train, indices)
      return { x: augmentBatch(batch.x, { cropPadding: 4, flip: true }, rng), y: batch.y }
    })
    const objective = new BatchObjective(model, x, y, () => new Error('non-finite loss'))
    try {
      await minimizer.iterate(objective, {
        epoch: 1,
        index,
        epochs: 1,
        lr: 0.05,
        lrRange: { min: 0.05, max: 0.05 }
      })
    } finally {
      tf.dispose([x, y])
    }
  }
}

function bimStep(model: Classifier): () => Promise<void> {
  const { x, y } = batchTensors(data.test, range(100))
  const eps = 16 / 255
  return async () => {
    const adv = runAttack(model, x, y, { norm: 'linf', eps, alpha: eps / 10, steps: 1, seed: 0 })
    await adv.data()
    adv.dispose()
  }
}

const profile = (label: string, step: () => Promise<void>): Promise<unknown> =>
  profileStep(label, step, { backendName, steps })

console.log(`empty launch (1-element add): ${emptyLaunchMicros().toFixed(1)} µs`)
for (const arch of ['small-cnn', 'small-resnet'] as const) {
  const config: ModelConfig = {
    arch,
    width: 16,
    inputShape: [28, 28, 1],
    numClasses: 10,
    normalization
  }
  const model = buildClassifier(config, new Rng(1))
  await profile(`${arch} w=16 training step (SGD, batch 64)`, trainingStep(model, new Rng(2)))
  await profile(`${arch} w=16 BIM step (batch 100)`, bimStep(model))
  model.params.dispose()
}
