import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../../main/engine/data/rng'
import { applyConvBn } from '../../../../main/engine/models/conv-bn-apply'
import { EVAL } from '../../../../main/engine/models/forward-context'
import { BatchNorm, Conv2d } from '../../../../main/engine/models/layers'
import { ModelParams } from '../../../../main/engine/models/model-params'
import '../../../../main/engine/training/register-gradients'
import { pattern, setUpWasmAndCpu } from '../backend/backend-test-utils'

beforeAll(setUpWasmAndCpu)

/** A conv-BN unit whose running statistics and affine parameters are far from their defaults. */
function unit(stride: number) {
  const params = new ModelParams(new Rng(3))
  const conv = new Conv2d(params, 'c/conv', 3, 5, 3, stride)
  const bn = new BatchNorm(params, 'c/bn', 5)
  params.buffers.get('c/bn/moving_mean')!.assign(tf.tensor1d([0.3, -0.2, 0.1, 0.5, -0.4]))
  params.buffers.get('c/bn/moving_variance')!.assign(tf.tensor1d([0.5, 2, 1.5, 0.8, 3]))
  params.trainable.get('c/bn/gamma')!.assign(tf.tensor1d([1.2, 0.7, -0.9, 1.1, 0.4]))
  params.trainable.get('c/bn/beta')!.assign(tf.tensor1d([0.1, -0.3, 0.2, 0, 0.25]))
  return { params, conv, bn }
}

/** The unfolded reference: conv, batch norm with running statistics, ReLU, as separate ops. */
const reference = (u: ReturnType<typeof unit>, x: tf.Tensor4D, relu: boolean) => {
  const y = u.bn.apply(u.conv.apply(x), EVAL)
  return relu ? tf.relu(y) : y
}

describe.each(['wasm', 'cpu'] as const)(
  'conv-BN folded into one FusedConv2D in inference (%s)',
  (backend) => {
    it.each([
      [1, true],
      [2, false]
    ])(
      'stride %i, relu %s: same output, input gradient and weight gradients as the separate ops',
      async (stride, relu) => {
        await tf.setBackend(backend)
        const u = unit(stride)
        const x = pattern([2, 7, 7, 3]) as tf.Tensor4D
        const weight = pattern(reference(u, x, relu).shape, 1)
        const loss = (f: (x: tf.Tensor4D) => tf.Tensor) => (input: tf.Tensor) =>
          tf.sum(tf.mul(f(input as tf.Tensor4D), weight)) as tf.Scalar
        const fused = (input: tf.Tensor4D) => applyConvBn(u.conv, u.bn, input, EVAL, relu)
        const plain = (input: tf.Tensor4D) => reference(u, input, relu)
        expect(Array.from(fused(x).dataSync())).toEqual(
          Array.from(plain(x).dataSync()).map((v) => expect.closeTo(v, 4))
        )
        const gx = tf.grad(loss(fused))(x).dataSync()
        const gxRef = tf.grad(loss(plain))(x).dataSync()
        gxRef.forEach((v, i) => expect(gx[i]).toBeCloseTo(v, 4))
        // Finite differences on a few pixels (float32: a coarse step and tolerance).
        for (const i of [0, 17, 60, 140]) {
          const h = 1e-2
          const bump = (d: number) =>
            tf.tidy(
              () =>
                loss(fused)(
                  tf.add(x, tf.mul(tf.oneHot([i], x.size).reshape(x.shape), d))
                ).dataSync()[0]
            )
          expect((bump(h) - bump(-h)) / (2 * h)).toBeCloseTo(gx[i], 1)
        }
        // Weight gradients in inference mode (sharpness measures take them) reach the kernel, γ and β.
        const vars = [
          u.conv.kernel,
          u.params.trainable.get('c/bn/gamma')!,
          u.params.trainable.get('c/bn/beta')!
        ]
        const gw = tf.variableGrads(() => loss(fused)(x), vars).grads
        const gwRef = tf.variableGrads(() => loss(plain)(x), vars).grads
        for (const v of vars)
          gwRef[v.name]
            .dataSync()
            .forEach((g, i) => expect(gw[v.name].dataSync()[i]).toBeCloseTo(g, 3))
        u.params.dispose()
      }
    )

    it('launches one kernel forward, and no filter gradient when only the input gradient is asked', async () => {
      await tf.setBackend(backend)
      const u = unit(1)
      const x = pattern([2, 7, 7, 3]) as tf.Tensor4D
      const forward = await tf.profile(() => applyConvBn(u.conv, u.bn, x, EVAL, true))
      expect(
        forward.kernelNames.filter((k) => k.startsWith('Conv') || k.startsWith('Fused'))
      ).toEqual(['FusedConv2D'])
      expect(forward.kernelNames).not.toContain('Relu')
      const backward = await tf.profile(() =>
        tf.grad((input: tf.Tensor) =>
          tf.sum(applyConvBn(u.conv, u.bn, input as tf.Tensor4D, EVAL, true))
        )(x)
      )
      expect(backward.kernelNames).toContain('Conv2DBackpropInput')
      expect(backward.kernelNames).not.toContain('Conv2DBackpropFilter')
      u.params.dispose()
    })
  }
)
