/**
 * `npm run bench:onnx-surrogate`: the imported full-size ResNet-50 (224×224×3, 1000 classes) against
 * PyTorch on the same model, threads and batch, interleaved over rounds: BIM examples/s (a BIM of
 * `--bim-steps` iterations on one batch, the engine's attack loop) and fine-tuning images/s (SGD
 * steps in train mode, the engine's training step). Prints medians with ranges and the ratios.
 *
 * The ONNX file is made on demand by scripts/make-onnx-fixtures.py --resnet50 (Debian's PyTorch,
 * seeded init, so both sides hold the same weights) into the OS temp folder, or given with --model.
 *
 *   npm run bench:onnx-surrogate -- [--rounds 3] [--threads 2] [--batch 8] [--bim-steps 5] [--finetune-steps 3] [--model FILE]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { AttackSpec } from '../main/contract/audit-spec'
import { attackConfigFromSpec } from '../main/engine/attacks/attack-config'
import { runAttack } from '../main/engine/attacks/attack-loop'
import {
  activeThreads,
  backendDescription,
  initBackend
} from '../main/engine/backend/select-backend'
import { createMinimizer } from '../main/engine/minimizers/minimizer-registry'
import { buildOnnxClassifier } from '../main/engine/onnx/load-onnx-classifier'
import type { OnnxClassifier } from '../main/engine/onnx/onnx-classifier'
import { readOnnxFile } from '../main/engine/onnx/read-onnx-file'
import { BatchObjective } from '../main/engine/training/batch-objective'
import { SgdMomentum } from '../main/engine/training/sgd-step'
import { formatPeerTable, type PeerRow } from './peer-table'

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(Math.min(2, os.availableParallelism())) },
    batch: { type: 'string', default: '8' },
    'bim-steps': { type: 'string', default: '5' },
    'finetune-steps': { type: 'string', default: '3' },
    model: { type: 'string' }
  }
})
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const [rounds, threads, batch, bimSteps, fineTuneSteps] = [
  opts.rounds,
  opts.threads,
  opts.batch,
  opts['bim-steps'],
  opts['finetune-steps']
].map(Number)

function resnet50File(): string {
  if (opts.model) return opts.model
  const dir = path.join(os.tmpdir(), 'flatline-bench-resnet50')
  const file = path.join(dir, 'resnet50.onnx')
  if (!existsSync(file)) {
    console.log(`exporting ResNet-50 with PyTorch into ${dir} …`)
    execFileSync(
      '/usr/bin/python3',
      [path.join(root, 'scripts/make-onnx-fixtures.py'), '--resnet50', dir],
      { stdio: 'inherit' }
    )
  }
  return file
}

function engineBim(model: OnnxClassifier, x: tf.Tensor4D, y: tf.Tensor1D, steps: number): number {
  const config = attackConfigFromSpec(AttackSpec.parse({ eps: 4 / 255, steps, repeats: 1 }), 0)
  const started = performance.now()
  tf.dispose(runAttack(model, x, y, config).dataSync())
  return batch / ((performance.now() - started) / 1000)
}

async function engineFineTune(
  model: OnnxClassifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  steps: number
): Promise<number> {
  const minimizer = createMinimizer({ id: 'sgd' }, new SgdMomentum(0.9, 1e-4))
  const started = performance.now()
  for (let i = 0; i < steps; i++)
    await minimizer.iterate(new BatchObjective(model, x, y, () => new Error('non-finite loss')), {
      epoch: 1,
      index: i,
      epochs: 1,
      lr: 0.01,
      lrRange: { min: 0.01, max: 0.01 }
    })
  const seconds = (performance.now() - started) / 1000
  minimizer.dispose()
  return (batch * steps) / seconds
}

function peer(): { bimExamplesPerSecond: number; fineTuneImagesPerSecond: number } {
  const args = [
    '--threads',
    String(threads),
    '--batch',
    String(batch),
    '--bim-steps',
    String(bimSteps),
    '--finetune-steps',
    String(fineTuneSteps)
  ]
  const out = spawnSync(
    '/usr/bin/python3',
    [path.join(root, 'bench/onnx_surrogate_peer.py'), ...args],
    { encoding: 'utf8' }
  )
  if (out.status !== 0) throw new Error(`PyTorch peer failed: ${out.stderr}`)
  return JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}')
}

const file = resnet50File()
await initBackend({ threads })
const backend = backendDescription()
const { model: message, baseDir } = await readOnnxFile(file)
const model = buildOnnxClassifier(file, message, baseDir, {
  preprocessing: { layout: 'NCHW', resize: false, range: [0, 1], output: 'logits' },
  batchNorm: 'update',
  inputShape: [224, 224, 3],
  numClasses: 1000
})
console.log(
  `ResNet-50 from ${file}: ${model.params.countTrainable().toLocaleString('en')} weights, ${model.skipConnections.length} residual Add nodes; ${backend}, threads ${activeThreads()}, batch ${batch}`
)
const x = tf.randomUniform([batch, 224, 224, 3], 0, 1, 'float32', 1) as tf.Tensor4D
const y = tf.randomUniform([batch], 0, 1000, 'int32', 2) as tf.Tensor1D
engineBim(model, x, y, 1) // warm-up
await engineFineTune(model, x, y, 1)
const bimRow: PeerRow = {
  name: `ResNet-50 ONNX BIM (${bimSteps} steps)`,
  kind: 'attack',
  unit: 'examples/s',
  threads,
  ours: [],
  peer: [],
  lowerIsBetter: false,
  backend
}
const tuneRow: PeerRow = {
  name: 'ResNet-50 ONNX fine-tuning (SGD)',
  kind: 'training',
  unit: 'images/s',
  threads,
  ours: [],
  peer: [],
  lowerIsBetter: false,
  backend
}
for (let r = 1; r <= rounds; r++) {
  bimRow.ours.push(engineBim(model, x, y, bimSteps))
  tuneRow.ours.push(await engineFineTune(model, x, y, fineTuneSteps))
  const p = peer()
  bimRow.peer.push(p.bimExamplesPerSecond)
  tuneRow.peer.push(p.fineTuneImagesPerSecond)
  console.log(
    `round ${r}/${rounds}: BIM ${bimRow.ours.at(-1)?.toFixed(3)} vs ${p.bimExamplesPerSecond.toFixed(3)} examples/s, fine-tuning ${tuneRow.ours.at(-1)?.toFixed(2)} vs ${p.fineTuneImagesPerSecond.toFixed(2)} images/s`
  )
}
console.log(formatPeerTable([bimRow, tuneRow], true))
