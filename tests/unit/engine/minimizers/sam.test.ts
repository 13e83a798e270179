import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { samPerturbation } from '../../../../main/engine/minimizers/perturbation'
import { Sam } from '../../../../main/engine/minimizers/sam'
import { Sgd } from '../../../../main/engine/minimizers/sgd'
import { disposeMaps } from '../../../../main/engine/minimizers/tensor-map'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { diag, flatOf, iteration, QuadraticOracle } from '../../helpers/quadratic'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('SAM on the quadratic of training spec §12', () => {
  it('perturbs to w + ρ·Aw/‖Aw‖ (‖e‖ = ρ) and descends with g_adv (oracle 6)', async () => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [1, 1]]])
    const g = await q.gradient('update')
    const e = samPerturbation(g, 0.1)
    const [e0, e1] = flatOf(e)
    expect(e0).toBeCloseTo(0.0948683, 6)
    expect(e1).toBeCloseTo(0.0316228, 6)
    expect(Math.hypot(e0, e1)).toBeCloseTo(0.1, 6)
    disposeMaps(g, e)
    q.calls.length = 0

    const base = new SgdMomentum(0, 0)
    const sam = new Sam(base, 0.1)
    const before = tf.memory().numTensors
    await sam.iterate(q, iteration({ lr: 0.1 }))
    expect(tf.memory().numTensors).toBe(before + 1) // the momentum buffer, nothing else
    // Pass 2 ran at the ascent point; the weights were restored before the step.
    expect(q.calls.map((c) => c.mode)).toEqual(['update', 'probe'])
    expect(q.calls[1].at[0]).toBeCloseTo(1.0948683, 6)
    expect(q.calls[1].at[1]).toBeCloseTo(1.0316228, 6)
    const [w0, w1] = q.flat()
    expect(w0).toBeCloseTo(0.6715395, 6)
    expect(w1).toBeCloseTo(0.8968377, 6)
    base.dispose()
    q.dispose()
  })

  it('changes the momentum buffer once per iteration (oracle 2)', async () => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [1, 1]]])
    const base = new SgdMomentum(0.9, 0.01)
    const sam = new Sam(base, 0.1)
    // Reference: same iterations computed by hand in float64, with a single buffer update each.
    let w = [1, 1]
    let buf = [0, 0]
    for (let i = 0; i < 3; i++) {
      await sam.iterate(q, iteration({ lr: 0.1 }))
      const g = [3 * w[0], w[1]]
      const n = Math.hypot(g[0], g[1]) + 1e-12
      const adv = [w[0] + (0.1 * g[0]) / n, w[1] + (0.1 * g[1]) / n]
      const gAdv = [3 * adv[0], adv[1]]
      buf = buf.map((b, j) => 0.9 * b + gAdv[j] + 0.01 * w[j])
      w = w.map((x, j) => x - 0.1 * buf[j])
    }
    const got = q.flat()
    expect(got[0]).toBeCloseTo(w[0], 5)
    expect(got[1]).toBeCloseTo(w[1], 5)
    expect(q.calls.length).toBe(6) // oracle 9: exactly 2 passes per iteration
    base.dispose()
    q.dispose()
  })

  it('gives e = 0 and no NaN at a zero gradient (oracle 7)', async () => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [0, 0]]])
    const base = new SgdMomentum(0.9, 0)
    await new Sam(base, 0.3).iterate(q, iteration())
    expect(q.calls[1].at).toEqual([0, 0])
    expect(q.flat()).toEqual([0, 0])
    base.dispose()
    q.dispose()
  })

  it('with ρ = 0 follows the SGD trajectory bit for bit (oracle 5, quadratic)', async () => {
    const run = async (make: (b: SgdMomentum) => Sam | Sgd) => {
      const q = new QuadraticOracle(
        [
          [2, 0.5],
          [0.5, 1]
        ],
        [
          ['a/kernel', [0.7]],
          ['a/bias', [-1.3]]
        ],
        [0.1, -0.2]
      )
      const base = new SgdMomentum(0.9, 5e-4)
      const m = make(base)
      for (let i = 0; i < 5; i++) await m.iterate(q, iteration({ lr: 0.1 }))
      const w = q.flat()
      base.dispose()
      q.dispose()
      return w
    }
    expect(await run((b) => new Sam(b, 0))).toEqual(await run((b) => new Sgd(b)))
  })
})
