import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { lookSamCost, relativeCost } from '../../../../main/contract/training-presets'
import { LookSam } from '../../../../main/engine/minimizers/looksam'
import { Sam } from '../../../../main/engine/minimizers/sam'
import { Sgd } from '../../../../main/engine/minimizers/sgd'
import type { Minimizer } from '../../../../main/engine/minimizers/minimizer'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { diag, flatOf, iteration, QuadraticOracle } from '../../helpers/quadratic'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const A = [
  [3, 0.4],
  [0.4, 1]
]

/** Runs `epochs` × `n` iterations and returns the final weights and the passes per epoch. */
async function run(
  make: (b: SgdMomentum) => Minimizer,
  epochs: number,
  n: number
): Promise<{ w: number[]; passes: number[] }> {
  const q = new QuadraticOracle(A, [['layer/kernel', [1, -1]]])
  const base = new SgdMomentum(0.9, 5e-4)
  const m = make(base)
  const passes: number[] = []
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const before = q.calls.length
    for (let index = 0; index < n; index++)
      await m.iterate(q, iteration({ epoch, index, epochs, lr: 0.05 }))
    passes.push(q.calls.length - before)
  }
  const w = q.flat()
  m.dispose()
  base.dispose()
  q.dispose()
  return { w, passes }
}

describe('LookSAM (training spec §5.6)', () => {
  it('is SAM with k = 1 (oracle 19)', async () => {
    const look = await run(
      (b) => new LookSam(b, { rho: 0.1, k: 1, alpha: 0.7, warmupEpochs: 0 }),
      2,
      4
    )
    const sam = await run((b) => new Sam(b, 0.1), 2, 4)
    expect(look.w).toEqual(sam.w)
  })

  it('makes the non-full iterations SGD iterations with α = 0 (oracle 20)', async () => {
    // k huge and no warm-up: only the first iteration is full; compare with SAM then SGD.
    const look = await run(
      (b) => new LookSam(b, { rho: 0.1, k: 1000, alpha: 0, warmupEpochs: 0 }),
      1,
      5
    )
    const q = new QuadraticOracle(A, [['layer/kernel', [1, -1]]])
    const base = new SgdMomentum(0.9, 5e-4)
    await new Sam(base, 0.1).iterate(q, iteration({ lr: 0.05 }))
    const sgd = new Sgd(base)
    for (let i = 1; i < 5; i++) await sgd.iterate(q, iteration({ index: i, lr: 0.05 }))
    expect(look.w).toEqual(q.flat())
    base.dispose()
    q.dispose()
  })

  it('stores g_v ⟂ g at a refresh and adds a part of norm α‖g‖ in between (oracle 21)', async () => {
    const q = new QuadraticOracle(diag(3, 1), [['layer/kernel', [1, 1]]])
    const base = new SgdMomentum(0, 0)
    const look = new LookSam(base, { rho: 0.1, k: 5, alpha: 0.7, warmupEpochs: 0 })
    await look.iterate(q, iteration({ epoch: 1, index: 0, lr: 0 }))
    const [v0, v1] = flatOf(look.orthogonalGradient!)
    expect(v0).toBeCloseTo(0.0189737, 6)
    expect(v1).toBeCloseTo(-0.056921, 6)
    expect(v0 * 3 + v1 * 1).toBeCloseTo(0, 6)
    // A non-full iteration with η = 1, μ = λ = 0: w' = w − d, so d − g = (w − w') − A w.
    const w = q.flat()
    await look.iterate(q, iteration({ epoch: 1, index: 1, lr: 1 }))
    const after = q.flat()
    const dMinusG = [w[0] - after[0] - 3 * w[0], w[1] - after[1] - w[1]]
    expect(Math.hypot(...dMinusG)).toBeCloseTo(0.7 * Math.hypot(3, 1), 5)
    expect(q.calls.map((c) => c.mode)).toEqual(['update', 'probe', 'update'])
    look.dispose()
    base.dispose()
    q.dispose()
  })

  it('does 2 passes per iteration in the warm-up epochs, then N + ceil(N/k) (oracle 22)', async () => {
    const { passes } = await run(
      (b) => new LookSam(b, { rho: 0.05, k: 5, alpha: 0.7, warmupEpochs: 3 }),
      5,
      7
    )
    expect(passes).toEqual([14, 14, 14, 9, 9])
  })

  it('costs 1.216 on CIFAR-10 and 1.2267 on ImageNet (oracle 23)', () => {
    expect(lookSamCost(3, 5, 150)).toBeCloseTo(1.216, 6)
    expect(lookSamCost(3, 5, 90)).toBeCloseTo(1.2267, 4)
    const spec = {
      id: 'looksam' as const,
      rho: 0.05,
      k: 5,
      alpha: 0.7,
      warmupEpochs: 3,
      projection: 'global' as const
    }
    expect(relativeCost(spec, 150, 391)).toBeCloseTo(
      (3 * 2 * 391 + 147 * (391 + 79)) / (150 * 391),
      10
    )
  })

  it("per-tensor projection: each tensor's g_v ⟂ its g, and each gets α‖g_i‖ added", async () => {
    const q = new QuadraticOracle(
      [
        [3, 0.5, 0],
        [0.5, 1, 0.2],
        [0, 0.2, 2]
      ],
      [
        ['a/kernel', [1, 1]],
        ['a/bias', [-0.5]]
      ]
    )
    const base = new SgdMomentum(0, 0)
    const look = new LookSam(base, {
      rho: 0.1,
      k: 5,
      alpha: 0.7,
      warmupEpochs: 0,
      projection: 'per-tensor'
    })
    await look.iterate(q, iteration({ index: 0, lr: 0 }))
    const g = [3 + 0.5, 0.5 + 1 - 0.1, 0.2 - 1]
    const gv = look.orthogonalGradient!
    const [v0, v1] = Array.from(gv.get('a/kernel')!.dataSync())
    expect(v0 * g[0] + v1 * g[1]).toBeCloseTo(0, 6)
    // A one-entry tensor has no orthogonal direction: its g_v is rounding noise.
    expect(gv.get('a/bias')!.dataSync()[0]).toBeCloseTo(0, 6)
    const w = q.flat()
    await look.iterate(q, iteration({ index: 1, lr: 1 }))
    const after = q.flat()
    const d = w.map((x, i) => x - after[i])
    expect(Math.hypot(d[0] - g[0], d[1] - g[1])).toBeCloseTo(0.7 * Math.hypot(g[0], g[1]), 5)
    // The rule still adds α‖g_i‖ to it (along that noise), as rollovd/LookSAM does.
    expect(Math.abs(d[2] - g[2])).toBeCloseTo(0.7 * Math.abs(g[2]), 4)
    look.dispose()
    base.dispose()
    q.dispose()
  })

  it('per-tensor equals global with a single tensor', async () => {
    const global = await run(
      (b) => new LookSam(b, { rho: 0.1, k: 2, alpha: 0.7, warmupEpochs: 0 }),
      2,
      4
    )
    const perTensor = await run(
      (b) =>
        new LookSam(b, { rho: 0.1, k: 2, alpha: 0.7, warmupEpochs: 0, projection: 'per-tensor' }),
      2,
      4
    )
    perTensor.w.forEach((v, i) => expect(v).toBeCloseTo(global.w[i], 6))
  })

  it('frees g_v on dispose', async () => {
    const before = tf.memory().numTensors
    await run((b) => new LookSam(b, { rho: 0.05, k: 2, alpha: 0.7, warmupEpochs: 0 }), 1, 3)
    expect(tf.memory().numTensors).toBe(before)
  })
})
