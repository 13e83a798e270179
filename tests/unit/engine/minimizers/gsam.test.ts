import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { Agsam } from '../../../../main/engine/minimizers/agsam'
import { Asam } from '../../../../main/engine/minimizers/asam'
import { Gsam, orthogonalPart } from '../../../../main/engine/minimizers/gsam'
import type { Minimizer } from '../../../../main/engine/minimizers/minimizer'
import { Sam } from '../../../../main/engine/minimizers/sam'
import { disposeMaps, type TensorMap } from '../../../../main/engine/minimizers/tensor-map'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { diag, flatOf, iteration, QuadraticOracle } from '../../helpers/quadratic'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

async function trajectory(
  make: (b: SgdMomentum) => Minimizer,
  A: number[][],
  w: number[],
  steps = 3
): Promise<number[]> {
  const q = new QuadraticOracle(A, [['layer/kernel', w]])
  const base = new SgdMomentum(0.9, 5e-4)
  const m = make(base)
  for (let i = 0; i < steps; i++) await m.iterate(q, iteration())
  const out = q.flat()
  base.dispose()
  q.dispose()
  return out
}

const map = (values: number[]): TensorMap => new Map([['w', tf.tensor1d(values)]])

describe('GSAM (training spec §5.3)', () => {
  it('matches oracle 17 on the fixture of oracle 6 (α = 0.15)', async () => {
    const g = map([3, 1])
    const gAdv = map([3.284605, 1.0316228])
    const perp = orthogonalPart(g, gAdv)
    const [p0, p1] = flatOf(perp)
    expect(p0).toBeCloseTo(-0.0165139, 6)
    expect(p1).toBeCloseTo(0.0525788, 6)
    // Oracle 15: g_perp ⟂ g_adv, and g − g_perp is parallel to g_adv.
    expect(p0 * 3.284605 + p1 * 1.0316228).toBeCloseTo(0, 6)
    expect((3 - p0) / 3.284605).toBeCloseTo((1 - p1) / 1.0316228, 6)
    disposeMaps(g, gAdv, perp)

    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [1, 1]]])
    const base = new SgdMomentum(0, 0)
    await new Gsam(base, { rho: 0.1, alpha: 0.15 }).iterate(q, iteration({ lr: 0.1 }))
    const [w0, w1] = q.flat()
    expect(w0).toBeCloseTo(0.6712918, 6)
    expect(w1).toBeCloseTo(0.8976264, 6)
    base.dispose()
    q.dispose()
  })

  it('is SAM bit for bit with α = 0 (oracle 14)', async () => {
    const A = [
      [2, 0.3],
      [0.3, 1]
    ]
    expect(await trajectory((b) => new Gsam(b, { rho: 0.2, alpha: 0 }), A, [1, -2])).toEqual(
      await trajectory((b) => new Sam(b, 0.2), A, [1, -2])
    )
  })

  it('is SAM for any α on an isotropic quadratic, where g ∥ g_adv (oracle 16)', async () => {
    const A = diag(2, 2, 2)
    const gsam = await trajectory((b) => new Gsam(b, { rho: 0.2, alpha: 0.4 }), A, [1, -2, 0.5])
    const sam = await trajectory((b) => new Sam(b, 0.2), A, [1, -2, 0.5])
    gsam.forEach((v, i) => expect(v).toBeCloseTo(sam[i], 6))
  })

  it('keeps ρ constant across LR decays unless ρ_min is given (oracle 18)', () => {
    const base = new SgdMomentum(0, 0)
    const range = { min: 0.001, max: 0.1 }
    const constant = new Gsam(base, { rho: 0.05, alpha: 0.15 })
    const flat = new Gsam(base, { rho: 0.05, alpha: 0.15, rhoMin: 0.05 })
    const scheduled = new Gsam(base, { rho: 0.04, alpha: 0.15, rhoMin: 0.02 })
    for (const lr of [0.1, 0.01, 0.001]) {
      expect(constant.rhoAt({ lr, lrRange: range })).toBe(0.05)
      expect(flat.rhoAt({ lr, lrRange: range })).toBe(0.05)
    }
    expect(scheduled.rhoAt({ lr: 0.1, lrRange: range })).toBeCloseTo(0.04, 10)
    expect(scheduled.rhoAt({ lr: 0.001, lrRange: range })).toBeCloseTo(0.02, 10)
    base.dispose()
  })
})

describe('AGSAM (training spec §5.4)', () => {
  it('is ASAM (all tensors scaled, η = 0) when α = 0', async () => {
    const A = diag(3, 1)
    const agsam = await trajectory(
      (b) => new Agsam(b, { rho: 0.5, alpha: 0, eta: 0, scaled: 'all' }),
      A,
      [2, 0.5]
    )
    const asam = await trajectory(
      (b) => new Asam(b, { rho: 0.5, eta: 0, scaled: 'all' }),
      A,
      [2, 0.5]
    )
    expect(agsam).toEqual(asam)
  })

  it('differs from ASAM with α > 0 on an anisotropic quadratic, and has id agsam', async () => {
    const A = diag(3, 1)
    const agsam = await trajectory(
      (b) => new Agsam(b, { rho: 0.5, alpha: 0.15, eta: 0, scaled: 'all' }),
      A,
      [2, 0.5],
      1
    )
    const asam = await trajectory(
      (b) => new Asam(b, { rho: 0.5, eta: 0, scaled: 'all' }),
      A,
      [2, 0.5],
      1
    )
    expect(agsam).not.toEqual(asam)
    const base = new SgdMomentum(0, 0)
    expect(new Agsam(base).id).toBe('agsam')
    base.dispose()
  })
})
