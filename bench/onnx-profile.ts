/**
 * `npm run bench:onnx-profile`: where an imported ONNX graph's BIM step and fine-tuning step spend
 * their time, kernel by kernel (launches per step, ms, µs per launch; bench/kernel-profile-table.ts),
 * so the importer's costs (layout transposes, weight re-layout, batch norm as small ops, pads,
 * slow gradient paths) show by name. Launch counts do not depend on the machine's load.
 *
 * Default model: the committed small ResNet fixture (Fashion-MNIST 28×28×1). `--model FILE` takes
 * any ONNX classifier, e.g. the bench's ResNet-50 (npm run bench:onnx-surrogate makes it in
 * $TMPDIR/flatline-bench-resnet50/resnet50.onnx).
 *
 *   npm run bench:onnx-profile -- [--model FILE] [--batch 8] [--steps 3] [--threads N] [--only bim|finetune]
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { AttackSpec } from '../main/contract/audit-spec'
import { attackConfigFromSpec } from '../main/engine/attacks/attack-config'
import { runAttack } from '../main/engine/attacks/attack-loop'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { createMinimizer } from '../main/engine/minimizers/minimizer-registry'
import { buildOnnxClassifier } from '../main/engine/onnx/load-onnx-classifier'
import type { OnnxClassifier } from '../main/engine/onnx/onnx-classifier'
import { readOnnxFile } from '../main/engine/onnx/read-onnx-file'
import { BatchObjective } from '../main/engine/training/batch-objective'
import { SgdMomentum } from '../main/engine/training/sgd-step'
import { profileStep } from './kernel-profile-table'

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: 'tests/fixtures/onnx-surrogates/resnet.onnx' },
    batch: { type: 'string', default: '8' },
    steps: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(Math.min(2, os.availableParallelism())) },
    only: { type: 'string' }
  }
})
const [batch, steps, threads] = [opts.batch, opts.steps, opts.threads].map(Number)
await initBackend({ threads })
const backendName = tf.getBackend()
const file = opts.model
const { model: message, baseDir } = await readOnnxFile(file)

function build(inputShape: [number, number, number], numClasses: number): OnnxClassifier {
  return buildOnnxClassifier(file, message, baseDir, {
    preprocessing: { layout: 'NCHW', resize: false, range: [0, 1], output: 'logits' },
    batchNorm: 'update',
    inputShape,
    numClasses
  })
}
// The graph's own input size and output count, then the classifier over exactly those.
const probe = build([1, 1, 1], 2)
const [h, w, c] = probe.config.onnx.graphInputShape
const classes = probe.graphOutputs
probe.params.dispose()
const model = build([h, w, c], classes)
console.log(
  `bench:onnx-profile — ${file}: ${h}×${w}×${c}, ${classes} outputs, ${model.params.countTrainable().toLocaleString('en')} weights, ` +
    `${model.graph.nodes.length} nodes; ${backendDescription()}, batch ${batch}, ${steps} steps per figure (loaded machine: compare launches and shares)`
)
const x = tf.randomUniform([batch, h, w, c], 0, 1, 'float32', 1) as tf.Tensor4D
const y = tf.randomUniform([batch], 0, classes, 'int32', 2) as tf.Tensor1D

const bimConfig = attackConfigFromSpec(AttackSpec.parse({ eps: 4 / 255, steps: 1, repeats: 1 }), 0)
async function bimStep(): Promise<void> {
  const adv = runAttack(model, x, y, bimConfig)
  await adv.data()
  adv.dispose()
}

const minimizer = createMinimizer({ id: 'sgd' }, new SgdMomentum(0.9, 1e-4))
let index = 0
async function fineTuneStep(): Promise<void> {
  await minimizer.iterate(new BatchObjective(model, x, y, () => new Error('non-finite loss')), {
    epoch: 1,
    index: index++,
    epochs: 1,
    lr: 0.01,
    lrRange: { min: 0.01, max: 0.01 }
  })
}

const options = { backendName, steps, rows: 20, warmUps: 1 }
if (opts.only !== 'finetune')
  await profileStep(`BIM step (eval batch norm, batch ${batch})`, bimStep, options)
if (opts.only !== 'bim')
  await profileStep(
    `fine-tuning step (SGD, batch-norm statistics updated, batch ${batch})`,
    fineTuneStep,
    options
  )
