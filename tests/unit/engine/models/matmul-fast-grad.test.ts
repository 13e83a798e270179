import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { matMul2d } from '../../../../main/engine/models/matmul-fast-grad'
import '../../../../main/engine/training/register-gradients'

beforeAll(async () => {
  await initBackend()
})

describe('matMul2d', () => {
  it('matches tf.matMul in value and in both gradients', () => {
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D
    const probe = tf.randomNormal([5, 4], 0, 1, 'float32', 3)
    const loss =
      (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), probe))
    const [gx, gw] = tf.grads(loss(matMul2d))([x, w])
    const [rx, rw] = tf.grads(loss((a, b) => tf.matMul(a, b)))([x, w])
    expect(Array.from(matMul2d(x, w).dataSync())).toEqual(Array.from(tf.matMul(x, w).dataSync()))
    for (const [a, b] of [
      [gx, rx],
      [gw, rw]
    ]) {
      expect(a.shape).toEqual(b.shape)
      Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(b.dataSync()[i], 4))
    }
  })
})
