import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { Asam } from '../../../../main/engine/minimizers/asam'
import {
  adaptivePerturbation,
  isScaled,
  samPerturbation
} from '../../../../main/engine/minimizers/perturbation'
import { Sam } from '../../../../main/engine/minimizers/sam'
import { disposeMaps } from '../../../../main/engine/minimizers/tensor-map'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { diag, flatOf, iteration, QuadraticOracle } from '../../helpers/quadratic'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

async function perturbationOf(
  q: QuadraticOracle,
  opts: Parameters<typeof adaptivePerturbation>[2]
): Promise<number[]> {
  const g = await q.gradient('update')
  const e = adaptivePerturbation(g, q.weights, opts)
  const out = flatOf(e)
  disposeMaps(g, e)
  return out
}

describe('ASAM perturbation (training spec §5.2)', () => {
  it.each([
    [0, [0.9997831, 0.0052072]],
    [0.01, [1.0047754, 0.0053906]]
  ])('matches oracle 10 with η = %f and keeps ‖e ⊘ t‖ = ρ', async (eta, expected) => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [2, 0.5]]])
    const e = await perturbationOf(q, { rho: 0.5, eta, scaled: 'weights' })
    expect(e[0]).toBeCloseTo(expected[0], 6)
    expect(e[1]).toBeCloseTo(expected[1], 6)
    expect(Math.hypot(e[0] / (2 + eta), e[1] / (0.5 + eta))).toBeCloseTo(0.5, 6)
    q.dispose()
  })

  it('is SAM exactly when no tensor is scaled (t ≡ 1, oracle 11)', async () => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/bias', [2, 0.5]]])
    const g = await q.gradient('update')
    const adaptive = adaptivePerturbation(g, q.weights, { rho: 0.5, eta: 0.01, scaled: 'weights' })
    const plain = samPerturbation(g, 0.5)
    expect(flatOf(adaptive)).toEqual(flatOf(plain))
    disposeMaps(g, adaptive, plain)
    q.dispose()
  })

  it('is SAM with radius ρ(c + η) when every |w_i| = c (oracle 12)', async () => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [0.7, -0.7]]])
    const g = await q.gradient('update')
    const adaptive = flatOf(
      adaptivePerturbation(g, q.weights, { rho: 0.5, eta: 0.01, scaled: 'all' })
    )
    const plain = flatOf(samPerturbation(g, 0.5 * 0.71))
    adaptive.forEach((v, i) => expect(v).toBeCloseTo(plain[i], 6))
    tf.dispose([...g.values()])
    q.dispose()
  })

  it('gives unscaled tensors (biases, BN β) ρ·g_i/‖t⊙g‖ (oracle 13)', async () => {
    const q = new QuadraticOracle(diag(3, 1, 2), [
      ['l/kernel', [2, 0.5]],
      ['l/bias', [1]]
    ])
    const e = await perturbationOf(q, { rho: 0.5, eta: 0.01, scaled: 'weights' })
    const g = [6, 0.5, 2]
    const t = [2.01, 0.51, 1]
    const norm = Math.hypot(...g.map((gi, i) => gi * t[i]))
    expect(e[2]).toBeCloseTo((0.5 * 2) / norm, 6)
    expect(e[0]).toBeCloseTo((0.5 * t[0] * t[0] * 6) / norm, 6)
    q.dispose()
  })

  it('scales kernels and BN γ but not biases or β under "weights"', () => {
    expect(
      ['conv/kernel', 'bn/gamma', 'head/bias', 'bn/beta'].map((n) => isScaled(n, 'weights'))
    ).toEqual([true, true, false, false])
    expect(isScaled('head/bias', 'all')).toBe(true)
  })

  it('one ASAM iteration with t ≡ 1 moves the weights as SAM does, and leaks nothing', async () => {
    const run = async (make: (b: SgdMomentum) => Asam | Sam) => {
      const q = new QuadraticOracle(diag(3, 1), [['head/bias', [1, 1]]])
      const base = new SgdMomentum(0.9, 0)
      const before = tf.memory().numTensors
      await make(base).iterate(q, iteration())
      expect(tf.memory().numTensors).toBe(before + 1)
      const w = q.flat()
      base.dispose()
      q.dispose()
      return w
    }
    expect(await run((b) => new Asam(b, { rho: 0.5, eta: 0.01, scaled: 'weights' }))).toEqual(
      await run((b) => new Sam(b, 0.5))
    )
  })
})
