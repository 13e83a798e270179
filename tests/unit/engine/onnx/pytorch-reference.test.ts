/**
 * The committed fixtures (small ResNet, VGG-BN, DenseNet, MobileNetV2, made by
 * scripts/make-onnx-fixtures.py with Debian's PyTorch) against PyTorch's own numbers saved beside
 * them: logits, the input gradient of the mean cross-entropy, and the logits after one SGD step
 * (train-mode batch norm, lr 0.1, weight decay 5e-4) on the same 8 images; plus the import check
 * against onnxruntime. Prints each figure (the closing note's agreement table).
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { ImportedSurrogateSpec } from '../../../../main/contract/onnx-surrogate'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { createMinimizer } from '../../../../main/engine/minimizers/minimizer-registry'
import { EVAL } from '../../../../main/engine/models/forward-context'
import { importOnnxSurrogate } from '../../../../main/engine/onnx/import-onnx-surrogate'
import { BatchObjective } from '../../../../main/engine/training/batch-objective'
import { crossEntropy } from '../../../../main/engine/training/cross-entropy'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { tinyDataset } from '../../helpers/tiny-data'

export const FIXTURES = ['resnet', 'vgg-bn', 'densenet', 'mobilenetv2'] as const
const DIR = 'tests/fixtures/onnx-surrogates'

interface Reference {
  pixels: number[]
  shape: [number, number, number, number]
  labels: number[]
  mean: number[]
  std: number[]
  logits: number[]
  inputGradient: number[]
  sgdStep: {
    lr: number
    weightDecay: number
    momentum: number
    loss: number
    logitsAfter: number[]
  }
}

/** Largest |a − b| relative to the largest |b|. */
function relativeMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]))
    scale = Math.max(scale, Math.abs(b[i]))
  }
  return diff / Math.max(scale, 1e-12)
}

let dataset: ImageDataset

beforeAll(async () => {
  await initBackend()
  dataset = await tinyDataset(64, 100)
})

describe.each(FIXTURES.map((f) => [f]))('%s fixture against PyTorch and onnxruntime', (name) => {
  it('matches logits, input gradient and one SGD step', async () => {
    const ref = JSON.parse(readFileSync(`${DIR}/${name}.reference.json`, 'utf8')) as Reference
    const spec = ImportedSurrogateSpec.parse({
      name,
      format: 'onnx',
      path: `${DIR}/${name}.onnx`,
      preprocessing: { mean: ref.mean, std: ref.std }
    })
    const { model, agreement } = await importOnnxSurrogate(spec, dataset)
    try {
      const [n, c, h, w] = ref.shape
      const x = tf.tidy(() =>
        tf.transpose(tf.div(tf.tensor4d(ref.pixels, [n, c, h, w]), 255), [0, 2, 3, 1])
      ) as tf.Tensor4D
      const y = tf.tensor1d(ref.labels, 'int32')
      const logits = tf.tidy(() => model.forward(x, EVAL))
      const logitDiff = relativeMaxDiff(logits.dataSync(), ref.logits)
      const grad = tf.tidy(() =>
        tf.transpose(
          tf.grad((input: tf.Tensor) => crossEntropy(model.forward(input as tf.Tensor4D, EVAL), y))(
            x
          ),
          [0, 3, 1, 2]
        )
      )
      const gradDiff = relativeMaxDiff(grad.dataSync(), ref.inputGradient)
      const { lr, weightDecay, momentum } = ref.sgdStep
      const minimizer = createMinimizer({ id: 'sgd' }, new SgdMomentum(momentum, weightDecay))
      const objective = new BatchObjective(model, x, y, () => new Error('non-finite loss'))
      await minimizer.iterate(objective, {
        epoch: 1,
        index: 0,
        epochs: 1,
        lr,
        lrRange: { min: lr, max: lr }
      })
      const after = tf.tidy(() => model.forward(x, EVAL))
      const stepDiff = relativeMaxDiff(after.dataSync(), ref.sgdStep.logitsAfter)
      const lossDiff = Math.abs(objective.loss - ref.sgdStep.loss)
      console.log(
        `${name}: onnxruntime on ${agreement.images} images: max output diff ${agreement.maxLogitDifference.toExponential(2)}, top-1 ${(agreement.top1Agreement * 100).toFixed(0)} %; ` +
          `PyTorch: logits ${logitDiff.toExponential(2)}, input gradient ${gradDiff.toExponential(2)}, train loss ${lossDiff.toExponential(2)}, logits after one SGD step ${stepDiff.toExponential(2)} (relative max diffs)`
      )
      tf.dispose([x, y, logits, grad, after])
      minimizer.dispose()
      expect(agreement.top1Agreement).toBe(1)
      expect(logitDiff).toBeLessThan(1e-4)
      expect(gradDiff).toBeLessThan(1e-3)
      expect(lossDiff).toBeLessThan(1e-4)
      // Train-mode batch norm by autodiff vs PyTorch's fused kernel: 1e-6 to 9e-4 here (MobileNetV2 the most); a tied weight showed as 5e-3.
      expect(stepDiff).toBeLessThan(2e-3)
    } finally {
      model.params.dispose()
    }
  })
})
