import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { withFoldedConvBn } from '../../../../main/engine/models/conv-bn-apply'
import '../../../../main/engine/training/register-gradients'
import { tinyConfig } from '../../helpers/tiny-data'

/** How many times `kernel` runs during `f` (the batch-norm fold is the only Rsqrt of a pass). */
function launchesOf(kernel: string, f: () => void): number {
  const backend = tf.getBackend()
  const config = tf.getKernel(kernel, backend)!
  let launches = 0
  tf.unregisterKernel(kernel, backend)
  tf.registerKernel({
    ...config,
    kernelFunc: (params) => {
      launches++
      return config.kernelFunc(params)
    }
  })
  try {
    f()
  } finally {
    tf.unregisterKernel(kernel, backend)
    tf.registerKernel(config)
  }
  return launches
}

beforeAll(async () => {
  await initBackend()
})

describe('withFoldedConvBn', () => {
  it('folds each batch norm once for many passes, gives the same logits and input gradient, and leaks nothing', () => {
    const model = buildClassifier(tinyConfig('small-resnet'), new Rng(3))
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D
    const pass = (): tf.Tensor[] =>
      tf.tidy(() => {
        const logits = model.forward(x, { training: false })
        const grad = tf.grad((input: tf.Tensor) =>
          tf.sum(tf.square(model.forward(input as tf.Tensor4D, { training: false })))
        )(x)
        return [logits, grad]
      })
    const plain = pass()
    const before = tf.memory().numTensors
    expect(launchesOf('Rsqrt', () => tf.dispose(pass()))).toBeGreaterThan(0)
    let cachedRsqrt = -1
    const cached = withFoldedConvBn(() => {
      tf.dispose(pass()) // the first pass folds
      cachedRsqrt = launchesOf('Rsqrt', () => tf.dispose(pass()))
      return pass()
    })
    expect(cachedRsqrt).toBe(0)
    expect(Array.from(cached[0].dataSync())).toEqual(Array.from(plain[0].dataSync()))
    expect(Array.from(cached[1].dataSync())).toEqual(Array.from(plain[1].dataSync()))
    tf.dispose(cached)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, ...plain])
    model.params.dispose()
  })

  it('folds again when a weight changes inside the scope', () => {
    const model = buildClassifier(tinyConfig('small-cnn'), new Rng(3))
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D
    const logits = (): number[] =>
      tf.tidy(() => Array.from(model.forward(x, { training: false }).dataSync()))
    const [name, kernel] = [...model.params.trainable].find(([n]) => n.endsWith('kernel'))!
    withFoldedConvBn(() => {
      const first = logits()
      tf.tidy(() => kernel.assign(tf.mul(kernel, 1.5)))
      const changed = logits()
      expect(changed, name).not.toEqual(first)
      withFoldedConvBn(() => expect(logits()).toEqual(changed))
    })
    tf.dispose(x)
    model.params.dispose()
  })
})
