/**
 * Shared fixtures of the attack tests: the cpu backend (bit-exact, spec §7), the closed-form toy
 * models of oracles C11–C12, tiny real architectures on 8×8 inputs, the original BIM loop as the
 * bitwise reference, and tensor checks.
 */
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import type { AttackConfig } from '../../../../main/engine/attacks/attack-config'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { Classifier, ModelConfig } from '../../../../main/engine/models/classifier'
import { EVAL } from '../../../../main/engine/models/forward-context'
import { ModelParams } from '../../../../main/engine/models/model-params'
import { crossEntropySum } from '../../../../main/engine/training/cross-entropy'

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
  await tf.ready()
}

export function tinyConfig8(arch: ModelConfig['arch'], width = 4, numClasses = 3): ModelConfig {
  return {
    arch,
    width,
    inputShape: [8, 8, 1],
    numClasses,
    normalization: { mean: [0.5], std: [0.25] }
  }
}

/** A tiny untrained model on 8×8 grey images (its gradients are generic enough for every oracle). */
export function tinyModel(arch: ModelConfig['arch'], seed = 1): Classifier {
  return buildClassifier(tinyConfig8(arch), new Rng(seed))
}

export function tinyBatch(batch = 3, seed = 7): { x0: tf.Tensor4D; y: tf.Tensor1D } {
  const x0 = tf.randomUniform([batch, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 3),
    'int32'
  )
  return { x0, y }
}

/** Binary linear model of oracle C11: logits = [0, w·x + b] over a flattened 1×d×1 image. */
export function linearModel(w: number[], b: number): Classifier {
  const weights = tf.keep(tf.tensor2d(w, [w.length, 1]))
  return {
    config: { ...tinyConfig8('small-cnn'), inputShape: [1, w.length, 1], numClasses: 2 },
    params: new ModelParams(new Rng(0)),
    skipConnections: [],
    forward: (x) => {
      const z = tf.add(tf.matMul(tf.reshape(x, [x.shape[0], w.length]), weights), b)
      return tf.concat([tf.zerosLike(z), z], 1) as tf.Tensor2D
    }
  }
}

export function baseConfig(overrides: Partial<AttackConfig> = {}): AttackConfig {
  const eps = 8 / 255
  return { norm: 'linf', eps, alpha: eps / 4, steps: 6, seed: 11, ...overrides }
}

/** The original `bimAttack` loop, kept verbatim as the bitwise reference of oracle B5. */
export function referenceBim(
  model: Classifier,
  x0: tf.Tensor4D,
  labels: tf.Tensor1D,
  eps: number,
  stepSize: number,
  steps: number
): tf.Tensor4D {
  const lo = tf.tidy(() => tf.maximum(tf.sub(x0, eps), 0))
  const hi = tf.tidy(() => tf.minimum(tf.add(x0, eps), 1))
  const lossOf = (x: tf.Tensor) => crossEntropySum(model.forward(x as tf.Tensor4D, EVAL), labels)
  const gradient = tf.grad(lossOf)
  let x = tf.clone(x0)
  for (let t = 0; t < steps; t++) {
    const next = tf.tidy(() =>
      tf.minimum(
        tf.maximum(tf.add(x, tf.mul(tf.sign(gradient(x) as tf.Tensor4D), stepSize)), lo),
        hi
      )
    )
    x.dispose()
    x = next as tf.Tensor4D
  }
  tf.dispose([lo, hi])
  return x
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync())
}

/** Bitwise equality of two tensors (NaN-safe). */
export function expectBitwiseEqual(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape)
  expect(Array.from(new Uint32Array(new Float32Array(a.dataSync()).buffer))).toEqual(
    Array.from(new Uint32Array(new Float32Array(b.dataSync()).buffer))
  )
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])
}

/** Wraps a classifier so every forward call is recorded (oracle D17). */
export function instrumented(model: Classifier, name: string, calls: string[]): Classifier {
  return { ...model, forward: (x, ctx) => (calls.push(name), model.forward(x, ctx)) }
}
