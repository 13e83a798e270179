/**
 * Flatline's side of one `npm run bench:peer` measurement, in its own process (the thread count is
 * fixed when the backend starts). Takes the same options as bench/torch_reference.py and prints
 * one `RESULT {json}` line with the same fields.
 *
 * Training goes through the engine's own `trainClassifier` (augmentation, the minimizer, SGD with
 * momentum and weight decay, loss read back every batch) after two untimed warm-up batches; BIM
 * through `bimAttack` (ε 16/255, α ε/10) after a two-step warm-up. Data: the embedded demo
 * Fashion-MNIST for the 28×28 nets; random RGB images for ResNet-18 at 32×32 (speed only), as the peer.
 */
import * as tf from '@tensorflow/tfjs-core'
import { parseArgs } from 'node:util'
import { TrainingRecipe } from '../main/contract/audit-spec'
import { bimAttack } from '../main/engine/attacks/bim'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { batchTensors, limitSplit, range, type ImageSplit } from '../main/engine/data/dataset'
import { loadEmbeddedDemo } from '../main/engine/data/embedded-demo'
import { loadIdxFolder } from '../main/engine/data/load-idx-folder'
import { Rng } from '../main/engine/data/rng'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { ModelConfig } from '../main/engine/models/classifier'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { trainClassifier } from '../main/engine/training/train-classifier'

const { values: opts } = parseArgs({
  options: {
    arch: { type: 'string', default: 'small-cnn' },
    width: { type: 'string', default: '16' },
    threads: { type: 'string', default: '1' },
    'train-images': { type: 'string', default: '1920' },
    batch: { type: 'string', default: '64' },
    minimizer: { type: 'string', default: 'sgd' },
    rho: { type: 'string', default: '0.05' },
    'bim-images': { type: 'string', default: '100' },
    'bim-steps': { type: 'string', default: '50' },
    /** An idx folder instead of the embedded demo (bench:peer's memory row: the full Fashion-MNIST). */
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false }
  }
})
const arch = opts.arch as ModelConfig['arch']
const width = Number(opts.width)
const trainImages = Number(opts['train-images'])
const batch = Number(opts.batch)
const bimImages = Number(opts['bim-images'])

await initBackend({ threads: Number(opts.threads) })

/** Random uint8 RGB images and labels (ResNet-18 at 32×32 has no 32×32 dataset on this machine). */
function randomSplit(count: number, seed: number): ImageSplit {
  const rng = new Rng(seed)
  const images = new Uint8Array(count * 32 * 32 * 3)
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256)
  const labels = Uint8Array.from({ length: count }, () => rng.int(10))
  return { images, labels, count, height: 32, width: 32, channels: 3 }
}

/** CPU time (user + system, every thread of the process) since `start`: what a run costs whatever the load. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1e6
}

const n = Math.max(trainImages, batch)
const dataDir = opts['data-dir']
const demo =
  arch === 'resnet-18'
    ? undefined
    : dataDir
      ? await loadIdxFolder(dataDir, { flipPreservesLabel: true })
      : await loadEmbeddedDemo()
const train = demo ? limitSplit(demo.train, n) : randomSplit(n, 1)
const test = demo
  ? limitSplit(demo.test, Math.max(bimImages, 1))
  : randomSplit(Math.max(bimImages, 1), 2)
const normalization = measureNormalization(train.images, train.channels)
const config: ModelConfig = {
  arch,
  width,
  inputShape: [train.height, train.width, train.channels],
  numClasses: 10,
  normalization
}
const model = buildClassifier(config, new Rng(1))
const recipe = TrainingRecipe.parse({
  epochs: 1,
  batchSize: batch,
  lr: 0.05,
  ...(opts.minimizer === 'sam' ? { minimizer: { id: 'sam', rho: Number(opts.rho) } } : {})
})
const result: Record<string, number | string> = {
  params: model.params.countTrainable(),
  backend: backendDescription()
}
const oneImage = limitSplit(test, 1)

if (trainImages > 0) {
  const base = { recipe, test: oneImage, flipPreservesLabel: true }
  await trainClassifier(model, {
    ...base,
    name: 'warm-up',
    train: limitSplit(train, 2 * batch),
    rng: new Rng(2)
  })
  const started = performance.now()
  const cpu = process.cpuUsage()
  await trainClassifier(model, {
    ...base,
    name: 'bench',
    train: limitSplit(train, trainImages),
    rng: new Rng(3)
  })
  const seconds = (performance.now() - started) / 1000
  result.trainImagesPerSecond = trainImages / seconds
  result.stepSeconds = seconds / Math.ceil(trainImages / batch)
  result.trainCpuSeconds = cpuSecondsSince(cpu)
}
if (bimImages > 0) {
  const { x, y } = batchTensors(test, range(bimImages))
  const eps = 16 / 255
  bimAttack(model, x, y, { eps, stepSize: eps / 10, steps: 2 }).dispose()
  const started = performance.now()
  const cpu = process.cpuUsage()
  const adv = bimAttack(model, x, y, { eps, stepSize: eps / 10, steps: Number(opts['bim-steps']) })
  await adv.data()
  result.bimExamplesPerSecond = bimImages / ((performance.now() - started) / 1000)
  result.bimCpuSeconds = cpuSecondsSince(cpu)
  tf.dispose([x, y, adv])
}
result.peakRssMiB = process.resourceUsage().maxRSS / 1024
result.tensors = tf.memory().numTensors
if (opts.json) console.log('RESULT ' + JSON.stringify(result))
else console.log(result)
