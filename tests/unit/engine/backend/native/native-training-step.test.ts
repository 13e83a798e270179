/**
 * End to end: a real training step's gradients and batch-norm statistics, and an attack's input
 * gradient, are the same with the native kernels as with wasm's own (the native switch flips
 * between them in one process), for the demo architectures.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  nativeKernelCalls,
  setNativeKernelsEnabled
} from '../../../../../main/engine/backend/native/native-switch'
import { Rng } from '../../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../../main/engine/models/architecture-registry'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import type { StatUpdate } from '../../../../../main/engine/models/forward-context'
import { crossEntropy } from '../../../../../main/engine/training/cross-entropy'
import { nativeBuilt, nativeSuite, setUpNativeAndCpu } from './native-test-utils'

/** Every trainable gradient, then every batch mean and variance, flattened, with native on or off. */
function trainingStep(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  native: boolean
): Float32Array {
  setNativeKernelsEnabled(native)
  try {
    return tf
      .tidy(() => {
        const statUpdates: StatUpdate[] = []
        const trainable = [...model.params.trainable.values()]
        const { grads } = tf.variableGrads(
          () => crossEntropy(model.forward(x, { training: true, statUpdates }), y),
          trainable
        )
        const parts = [
          ...trainable.map((v) => grads[v.name]),
          ...statUpdates.flatMap((u) => [u.batchMean, u.batchVariance])
        ]
        const flat = tf.concat(parts.map((t) => tf.reshape(t, [-1])))
        tf.dispose(statUpdates.flatMap((u) => [u.batchMean, u.batchVariance]))
        return flat
      })
      .dataSync() as Float32Array
  } finally {
    setNativeKernelsEnabled(true)
  }
}

function inputGradient(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  native: boolean
): Float32Array {
  setNativeKernelsEnabled(native)
  try {
    return tf
      .tidy(() =>
        tf.grad((input: tf.Tensor) =>
          crossEntropy(model.forward(input as tf.Tensor4D, { training: false }), y)
        )(x)
      )
      .dataSync() as Float32Array
  } finally {
    setNativeKernelsEnabled(true)
  }
}

/** max |a − b| / max |a|: relative to the largest entry, however small the gradients are. */
function scaledError(expected: Float32Array, actual: Float32Array): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(expected[i] - actual[i]))
    scale = Math.max(scale, Math.abs(expected[i]))
  }
  return expected.length === actual.length && scale > 0 ? diff / scale : Infinity
}

describe.skipIf(!nativeBuilt)(
  nativeSuite('a training step and an attack gradient, native vs wasm kernels'),
  () => {
    beforeAll(setUpNativeAndCpu)

    for (const arch of ['small-cnn', 'small-resnet'] as const) {
      it(`${arch}: the same gradients and batch statistics either way, the native kernels really running`, () => {
        const model = buildClassifier(
          {
            arch,
            width: 8,
            inputShape: [28, 28, 1],
            numClasses: 10,
            normalization: { mean: [0.3], std: [0.3] }
          },
          new Rng(1)
        )
        const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D
        const y = tf.tensor1d(
          Array.from({ length: 16 }, (_, i) => i % 10),
          'int32'
        )
        const callsBefore = nativeKernelCalls()
        const native = trainingStep(model, x, y, true)
        const calls = nativeKernelCalls()
        for (const kernel of [
          'Conv2D',
          'Conv2DBackpropInput',
          'Conv2DBackpropFilter',
          'FlatlineBatchNormTrain',
          'FlatlineBatchNormGrad'
        ]) {
          expect((calls[kernel] ?? 0) - (callsBefore[kernel] ?? 0), kernel).toBeGreaterThan(0)
        }
        const wasm = trainingStep(model, x, y, false)
        expect(scaledError(wasm, native)).toBeLessThan(1e-4)
        expect(
          scaledError(inputGradient(model, x, y, false), inputGradient(model, x, y, true))
        ).toBeLessThan(1e-4)
        tf.dispose([x, y])
        model.params.dispose()
      })
    }
  }
)
