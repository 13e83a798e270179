import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { learningRate } from '../../../../main/engine/training/lr-schedule'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('SgdMomentum (training spec §1.1)', () => {
  it('matches the closed form of oracle 1: L = 2w, w0 = 1, η = 0.1, μ = 0.9, λ = 0.1', () => {
    const w = tf.variable(tf.scalar(1))
    const vars = new Map([['w', w]])
    const sgd = new SgdMomentum(0.9, 0.1)
    const seen: number[] = []
    for (let i = 0; i < 3; i++) {
      const g = tf.scalar(2)
      sgd.step(vars, new Map([['w', g]]), 0.1)
      g.dispose()
      seen.push(w.dataSync()[0])
    }
    expect(seen[0]).toBeCloseTo(0.79, 6)
    expect(seen[1]).toBeCloseTo(0.3931, 6)
    expect(seen[2]).toBeCloseTo(-0.168041, 5)
    sgd.dispose()
    w.dispose()
  })

  it('decays every tensor by η·λ·w when the gradient is zero (oracle 4)', () => {
    const vars = new Map([
      ['kernel', tf.variable(tf.tensor1d([2, -4]))],
      ['bn/beta', tf.variable(tf.tensor1d([1]))]
    ])
    const sgd = new SgdMomentum(0.9, 0.5)
    const zeros = new Map([...vars].map(([k, v]) => [k, tf.zerosLike(v)] as [string, tf.Tensor]))
    sgd.step(vars, zeros, 0.1)
    expect(Array.from(vars.get('kernel')!.dataSync())).toEqual(
      [2 - 0.1 * 0.5 * 2, -4 + 0.1 * 0.5 * 4].map((v) => Math.fround(v))
    )
    expect(vars.get('bn/beta')!.dataSync()[0]).toBeCloseTo(0.95, 6)
    tf.dispose([...zeros.values(), ...vars.values()])
    sgd.dispose()
  })

  it('names the variable whose gradient is missing', () => {
    const w = tf.variable(tf.scalar(1))
    expect(() => new SgdMomentum(0.9, 0).step(new Map([['head/bias', w]]), new Map(), 0.1)).toThrow(
      /head\/bias/
    )
    w.dispose()
  })
})

describe('learningRate: step schedule (oracle 3)', () => {
  const cifar = { kind: 'step' as const, every: 50, gamma: 0.1 }
  it.each([
    [1, 0.1],
    [50, 0.1],
    [51, 0.01],
    [100, 0.01],
    [101, 0.001],
    [150, 0.001]
  ])('epoch %i → %f', (epoch, lr) => {
    expect(learningRate(0.1, cifar, epoch)).toBeCloseTo(lr, 10)
  })
})
