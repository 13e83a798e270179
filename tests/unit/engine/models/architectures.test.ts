import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { ARCHITECTURES, type ArchitectureId } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { batchTensors, range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import {
  architectures,
  buildClassifier
} from '../../../../main/engine/models/architecture-registry'
import type { ModelConfig } from '../../../../main/engine/models/classifier'
import type { StatUpdate } from '../../../../main/engine/models/forward-context'
import { crossEntropy } from '../../../../main/engine/training/cross-entropy'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { applyStatUpdates } from '../../../../main/engine/training/train-classifier'
import { tinyDataset } from '../../helpers/tiny-data'

/** Widths that keep every family's full depth but make a training step cheap on wasm. */
const TINY_WIDTH: Record<ArchitectureId, number> = {
  'small-cnn': 4,
  'small-cnn-max': 4,
  'small-resnet': 4,
  'resnet-18': 4,
  'resnet-34': 4,
  'resnet-50': 2,
  'resnet-101': 2,
  'vgg-11': 4,
  'vgg-13': 4,
  'vgg-16': 4,
  'vgg-19': 4,
  'densenet-121': 1,
  'densenet-161': 1,
  'densenet-201': 1,
  'wrn-16-8': 1,
  'wrn-28-10': 1,
  googlenet: 4,
  convmixer: 8,
  'mlp-mixer': 8,
  mlp: 16
}

const config = (arch: ArchitectureId, inputShape: [number, number, number]): ModelConfig => ({
  arch,
  width: TINY_WIDTH[arch],
  inputShape,
  numClasses: 10,
  normalization: { mean: Array(inputShape[2]).fill(0.5), std: Array(inputShape[2]).fill(0.25) }
})

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(64, 8)
})

describe('architecture registry', () => {
  it('registers every id the contract lists, with its skip connections declared', () => {
    expect(Object.keys(architectures).sort()).toEqual([...ARCHITECTURES].sort())
    for (const id of ARCHITECTURES) expect(architectures[id].id).toBe(id)
  })

  it('small-cnn-max is small-cnn with max instead of average pooling: same weights, other logits', () => {
    const build = (arch: ArchitectureId) => buildClassifier(config(arch, [28, 28, 1]), new Rng(5))
    const [avg, max] = [build('small-cnn'), build('small-cnn-max')]
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D
    const [a, m] = [avg, max].map((model) =>
      Array.from(model.forward(x, { training: false }).dataSync())
    )
    expect([...max.params.trainable.keys()]).toEqual([...avg.params.trainable.keys()])
    expect(m).not.toEqual(a)
    avg.params.dispose()
    max.params.dispose()
    x.dispose()
  })
})

// small-cnn and small-resnet have tests of their own; small-cnn-max is checked like the paper's families.
describe.each(ARCHITECTURES.filter((a) => a !== 'small-cnn' && a !== 'small-resnet'))(
  '%s',
  (arch) => {
    it('gives [batch, classes] logits for 28×28×1 and 32×32×3 inputs and exposes its skips', () => {
      for (const shape of [
        [28, 28, 1],
        [32, 32, 3]
      ] as [number, number, number][]) {
        const model = buildClassifier(config(arch, shape), new Rng(1))
        const seen: string[] = []
        const residuals: string[] = []
        const logits = tf.tidy(() =>
          model.forward(tf.randomUniform([2, ...shape], 0, 1, 'float32', 3) as tf.Tensor4D, {
            training: false,
            transformSkip: (name, s) => (seen.push(name), s),
            transformResidual: (name, r, identity) => (identity && residuals.push(name), r)
          })
        )
        expect(logits.shape).toEqual([2, 10])
        expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true)
        expect(architectures[arch].hasSkipConnections).toBe(model.skipConnections.length > 0)
        expect([...new Set(seen)].sort()).toEqual([...model.skipConnections].sort())
        // SGM needs at least one identity-shortcut residual branch in every net with skips.
        expect(residuals.length > 0).toBe(model.skipConnections.length > 0)
        expect(residuals.every((name) => model.skipConnections.includes(name))).toBe(true)
        logits.dispose()
        model.params.dispose()
      }
    })

    it('trains on the embedded data: finite loss, a gradient for every trainable tensor, loss goes down', () => {
      const before = tf.memory().numTensors
      const model = buildClassifier(config(arch, [28, 28, 1]), new Rng(2))
      const optimizer = new SgdMomentum(0.9, 0)
      const { x, y } = batchTensors(data.train, range(16))
      const losses: number[] = []
      for (let step = 0; step < 2; step++) {
        const statUpdates: StatUpdate[] = []
        const { value, grads } = tf.variableGrads(
          () => crossEntropy(model.forward(x, { training: true, statUpdates }), y),
          [...model.params.trainable.values()]
        )
        losses.push(value.dataSync()[0])
        const byName = new Map<string, tf.Tensor>()
        for (const [name, v] of model.params.trainable) byName.set(name, grads[v.name])
        if (step === 0) {
          const names = [...byName.keys()]
          expect(names.filter((name) => !byName.get(name))).toEqual([])
          // One read for all tensors: the largest |gradient| of each.
          const peaks = tf.tidy(() =>
            tf.stack(names.map((name) => tf.max(tf.abs(byName.get(name)!)))).dataSync()
          )
          expect(
            names.filter((_, i) => !(peaks[i] > 0)),
            'tensors with a zero gradient'
          ).toEqual([])
        }
        optimizer.step(model.params.trainable, byName, 0.02)
        applyStatUpdates(statUpdates)
        tf.dispose([
          value,
          ...Object.values(grads),
          ...statUpdates.flatMap((u) => [u.batchMean, u.batchVariance])
        ])
      }
      expect(losses.every(Number.isFinite)).toBe(true)
      // One SGD step on this batch must lower its loss.
      expect(losses[1]).toBeLessThan(losses[0])
      tf.dispose([x, y])
      optimizer.dispose()
      model.params.dispose()
      expect(tf.memory().numTensors).toBe(before)
    })
  }
)
