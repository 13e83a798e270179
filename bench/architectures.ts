/**
 * `npm run bench:architectures [-- id …]`: every registered architecture at its paper size
 * (the registry's `defaultWidth`) on 32×32×3 inputs with 10 classes: trainable parameters,
 * forward FLOPs per image (2 × multiply-adds of convs and matmuls, counted from the kernels a
 * real forward pass runs, plus the elementwise count apart), and SGD training throughput
 * (forward + backward + momentum update, batch 8, random images: throughput does not depend on
 * the pixels) on the active backend. Figures, not assertions: CI does not run this.
 *
 * Without arguments it runs each architecture in its own process (the wasm heap is capped at 4 GB
 * and a DenseNet's concatenations fill it; a crash there must not take the other rows with it),
 * retrying at batch 2 when batch 8 does not fit.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { ARCHITECTURES, type ArchitectureId } from '../main/contract/audit-spec'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { Rng } from '../main/engine/data/rng'
import { architectures, buildClassifier } from '../main/engine/models/architecture-registry'
import { countForwardFlops } from '../main/engine/models/count-flops'
import type { StatUpdate } from '../main/engine/models/forward-context'
import { crossEntropy } from '../main/engine/training/cross-entropy'
import { SgdMomentum } from '../main/engine/training/sgd-step'

const BATCH = Number(process.env.BENCH_BATCH ?? 8)
const TIMED_STEPS = 2

const requested = process.argv.slice(2)
const unknown = requested.filter((id) => !(ARCHITECTURES as readonly string[]).includes(id))
if (unknown.length) throw new Error(`unknown architecture(s) ${unknown.join(', ')}: expected some of ${ARCHITECTURES.join(', ')}`)
if (requested.length === 0) {
  const self = fileURLToPath(import.meta.url)
  for (const id of ARCHITECTURES) {
    for (const batch of [8, 2]) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, id], { env: { ...process.env, BENCH_BATCH: String(batch) }, encoding: 'utf8' })
      const line = child.stdout.split('\n').find((l) => l.startsWith(id))
      if (child.status === 0 && line) {
        console.log(line)
        break
      }
      if (batch === 2) console.log(`${id.padEnd(13)} failed: ${(child.stderr.match(/\w*Error: .*/) ?? ['exit ' + child.status])[0]}`)
    }
  }
  process.exit(0)
}
const ids = requested as ArchitectureId[]

await initBackend()
console.log(`backend: ${backendDescription()}, tfjs ${tf.version_core}; batch ${BATCH}, ${TIMED_STEPS} timed steps after 1 warm-up`)

const fmt = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`)

for (const id of ids) {
  const entry = architectures[id]
  const model = buildClassifier(
    { arch: id, width: entry.defaultWidth, inputShape: [32, 32, 3], numClasses: 10, normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } },
    new Rng(1)
  )
  const flops = await countForwardFlops(model)
  const optimizer = new SgdMomentum(0.9, 5e-4)
  const x = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32')
  const step = async () => {
    const statUpdates: StatUpdate[] = []
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x, { training: true, statUpdates }), y), [...model.params.trainable.values()])
    await value.data()
    const byName = new Map<string, tf.Tensor>()
    for (const [name, v] of model.params.trainable) byName.set(name, grads[v.name])
    optimizer.step(model.params.trainable, byName, 0.01)
    tf.dispose([value, ...Object.values(grads), ...statUpdates.flatMap((u) => [u.batchMean, u.batchVariance])])
    await model.params.trainable.values().next().value?.data()
  }
  await step()
  const started = performance.now()
  for (let i = 0; i < TIMED_STEPS; i++) await step()
  const seconds = (performance.now() - started) / 1000
  console.log(
    `${id.padEnd(13)} width ${String(entry.defaultWidth).padStart(3)}  params ${fmt(model.params.countTrainable()).padStart(9)}  ` +
      `forward ${fmt(flops.dense).padStart(9)}FLOP/image (+${fmt(flops.elementwise)} elementwise)  ` +
      `training ${((BATCH * TIMED_STEPS) / seconds).toFixed(2)} images/s (batch ${BATCH})`
  )
  tf.dispose([x, y])
  optimizer.dispose()
  model.params.dispose()
}
