/**
 * `npm run bench:architectures [-- id …]`: every registered architecture at its paper size
 * (the registry's `defaultWidth`) on 32×32×3 inputs with 10 classes: trainable parameters,
 * forward FLOPs per image (2 × multiply-adds of convs and matmuls, counted from the kernels a
 * real forward pass runs, plus the elementwise count apart), and SGD training throughput
 * (forward + backward + momentum update, batch 8, random images: throughput does not depend on
 * the pixels; at least 2 steps and 5 s after a warm-up step) on the active backend. Figures, not assertions: CI does not run this.
 *
 * Without arguments it runs each architecture in its own process (the wasm heap is capped at 4 GB
 * and a DenseNet's concatenations fill it; a crash there must not take the other rows with it),
 * retrying at batch 2 when batch 8 does not fit, and prints one Markdown table (issue 5's columns:
 * parameters, forward FLOPs per 32×32×3 image, measured training images/s) and its wall time.
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
const MIN_SECONDS = 5

const requested = process.argv.slice(2)
const unknown = requested.filter((id) => !(ARCHITECTURES as readonly string[]).includes(id))
if (unknown.length)
  throw new Error(
    `unknown architecture(s) ${unknown.join(', ')}: expected some of ${ARCHITECTURES.join(', ')}`
  )
if (requested.length === 0) {
  const self = fileURLToPath(import.meta.url)
  const started = performance.now()
  let headerDone = false
  for (const id of ARCHITECTURES) {
    for (const batch of [8, 2]) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, id], {
        env: { ...process.env, BENCH_BATCH: String(batch) },
        encoding: 'utf8'
      })
      const lines = child.stdout.split('\n')
      const line = lines.find((l) => l.startsWith(`| ${id} `))
      if (child.status === 0 && line) {
        if (!headerDone) {
          console.log(lines.find((l) => l.startsWith('backend:')) ?? '')
          console.log(
            '\n| architecture (default width) | parameters | forward FLOPs / 32×32×3 image | training images/s |\n|---|---|---|---|'
          )
          headerDone = true
        }
        console.log(line)
        break
      }
      if (batch === 2)
        console.log(
          `| ${id} | failed: ${(child.stderr.match(/\w*Error: .*/) ?? ['exit ' + child.status])[0]} | | |`
        )
    }
  }
  console.log(
    '\nFLOPs: 2 × multiply-adds of conv and matmul kernels counted from a real forward pass (elementwise ops apart, in brackets). ' +
      `Training: SGD with momentum, forward + backward + update on random 32×32×3 images, timed over at least ${TIMED_STEPS} steps and ${MIN_SECONDS} s ` +
      `after 1 warm-up step (steps in brackets), batch 8 unless the cell says otherwise. Wall time ${((performance.now() - started) / 60000).toFixed(1)} min.`
  )
  process.exit(0)
}
const ids = requested as ArchitectureId[]

await initBackend()
console.log(
  `backend: ${backendDescription()}, tfjs ${tf.version_core}; batch ${BATCH}, at least ${TIMED_STEPS} timed steps and ${MIN_SECONDS} s after 1 warm-up`
)

const fmt = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(2)} G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)} M`
      : `${(n / 1e3).toFixed(1)} k`

for (const id of ids) {
  const entry = architectures[id]
  const model = buildClassifier(
    {
      arch: id,
      width: entry.defaultWidth,
      inputShape: [32, 32, 3],
      numClasses: 10,
      normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }
    },
    new Rng(1)
  )
  const flops = await countForwardFlops(model)
  const optimizer = new SgdMomentum(0.9, 5e-4)
  const x = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D
  const y = tf.tensor1d(
    Array.from({ length: BATCH }, (_, i) => i % 10),
    'int32'
  )
  const step = async () => {
    const statUpdates: StatUpdate[] = []
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.forward(x, { training: true, statUpdates }), y),
      [...model.params.trainable.values()]
    )
    await value.data()
    const byName = new Map<string, tf.Tensor>()
    for (const [name, v] of model.params.trainable) byName.set(name, grads[v.name])
    optimizer.step(model.params.trainable, byName, 0.01)
    tf.dispose([
      value,
      ...Object.values(grads),
      ...statUpdates.flatMap((u) => [u.batchMean, u.batchVariance])
    ])
    await model.params.trainable.values().next().value?.data()
  }
  await step()
  // At least TIMED_STEPS steps and MIN_SECONDS: a small model's 2 steps take milliseconds, too short to time.
  const started = performance.now()
  let steps = 0
  while (steps < TIMED_STEPS || (performance.now() - started < MIN_SECONDS * 1000 && steps < 200)) {
    await step()
    steps++
  }
  const seconds = (performance.now() - started) / 1000
  // A Markdown row (the parent process collects the rows into the table).
  console.log(
    `| ${id} (${entry.defaultWidth}) | ${fmt(model.params.countTrainable())} | ${fmt(flops.dense)}FLOP (+${fmt(flops.elementwise)}) | ` +
      `${((BATCH * steps) / seconds).toFixed(2)} (${steps} steps${BATCH === 8 ? '' : `, batch ${BATCH}`}) |`
  )
  tf.dispose([x, y])
  optimizer.dispose()
  model.params.dispose()
}
