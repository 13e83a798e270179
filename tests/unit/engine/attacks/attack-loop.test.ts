import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TECHNIQUES, TECHNIQUE_INFO } from '../../../../main/contract/attack-stack'
import type { AttackConfig } from '../../../../main/engine/attacks/attack-config'
import { runAttack } from '../../../../main/engine/attacks/attack-loop'
import { bimAttack } from '../../../../main/engine/attacks/bim'
import type { Classifier } from '../../../../main/engine/models/classifier'
import {
  baseConfig,
  expectBitwiseEqual,
  instrumented,
  linearModel,
  maxAbsDiff,
  referenceBim,
  tinyBatch,
  tinyModel,
  useCpu,
  values
} from './attack-fixtures'

let resnet: Classifier
let cnn: Classifier
let others: Classifier[]
let x0: tf.Tensor4D
let y: tf.Tensor1D

beforeAll(async () => {
  await useCpu()
  resnet = tinyModel('small-resnet', 1)
  cnn = tinyModel('small-cnn', 2)
  others = [5, 9, 10].map((seed) => tinyModel('small-resnet', seed))
  ;({ x0, y } = tinyBatch(3))
})
afterAll(() => {
  resnet.params.dispose()
  cnn.params.dispose()
  others.forEach((m) => m.params.dispose())
  tf.dispose([x0, y])
})

const eps = 8 / 255
const copy = (c: Classifier): Classifier => ({ ...c })

/** One technique at a time, with small settings so the suite stays fast. */
const singles: Record<string, Partial<AttackConfig>> = {
  gn: { gn: { range: 0.22 } },
  sgm: { sgm: { gamma: 0.2 } },
  di: { di: { resizeRate: 0.75, prob: 0.8 } },
  si: { si: { copies: 3 } },
  vt: { vt: { samples: 3, beta: 1.5, mu: 0 } },
  mi: { mi: { mu: 1.2 } },
  ni: { ni: { mu: 0.6 } },
  rap: {
    rap: {
      innerSteps: 2,
      epsN: 0.75 * eps,
      alphaN: (0.75 * eps) / 2,
      lateStart: 2,
      randomInit: true
    }
  }
}
const stacks: Record<string, Partial<AttackConfig>> = {
  'di+si+mi': { ...singles.di, ...singles.si, ...singles.mi },
  'gn+sgm+vt+ni': { ...singles.gn, ...singles.sgm, ...singles.vt, ...singles.ni },
  'rap+di+mi': { ...singles.rap, ...singles.di, ...singles.mi }
}

describe('runAttack feasibility (A1–A4)', () => {
  it('covers every technique the contract lists', () => {
    expect([...Object.keys(singles), 'lgv'].sort()).toEqual([...TECHNIQUES].sort())
    expect(Object.keys(TECHNIQUE_INFO).sort()).toEqual([...TECHNIQUES].sort())
  })
  const cases = [...Object.entries(singles), ...Object.entries(stacks), ['lgv', {}] as const]
  for (const norm of ['linf', 'l2'] as const) {
    for (const [name, stack] of cases) {
      it(`${name} (${norm}) stays in the ε-ball and [0,1] after every iteration, moves ≤ α per step, leaks nothing`, () => {
        const alpha = norm === 'linf' ? eps / 4 : 0.3
        const budget = norm === 'linf' ? eps : 1
        const lgv =
          name === 'lgv' ? { lgv: { members: [resnet, copy(resnet), others[0]], nGrad: 1 } } : {}
        const config = baseConfig({ ...stack, ...lgv, norm, eps: budget, alpha, steps: 5 })
        const before = tf.memory().numTensors
        const x0Before = values(x0)
        let previous = tf.clone(x0)
        const adv = runAttack(resnet, x0, y, config, {
          onIteration: (t, x) => {
            if (norm === 'linf') {
              expect(maxAbsDiff(x, x0)).toBeLessThanOrEqual(Math.min(eps, (t + 1) * alpha) + 1e-7)
              expect(maxAbsDiff(x, previous)).toBeLessThanOrEqual(alpha + 1e-7)
            } else {
              const l2 = (a: tf.Tensor) => tf.sqrt(tf.sum(tf.square(a), [1, 2, 3])).dataSync()
              for (const d of l2(tf.sub(x, x0))) expect(d).toBeLessThanOrEqual(budget * (1 + 1e-6))
              for (const d of l2(tf.sub(x, previous)))
                expect(d).toBeLessThanOrEqual(alpha * (1 + 1e-6))
            }
            expect(tf.min(x).dataSync()[0]).toBeGreaterThanOrEqual(0)
            expect(tf.max(x).dataSync()[0]).toBeLessThanOrEqual(1)
            previous.dispose()
            previous = tf.keep(tf.clone(x))
          },
          onRapStep: (_t, x, n) => {
            const epsN = config.rap?.epsN ?? 0
            if (norm === 'linf')
              expect(tf.max(tf.abs(n)).dataSync()[0]).toBeLessThanOrEqual(epsN + 1e-7)
            const z = tf.add(x, n)
            expect(tf.min(z).dataSync()[0]).toBeGreaterThanOrEqual(-1e-7)
            expect(tf.max(z).dataSync()[0]).toBeLessThanOrEqual(1 + 1e-7)
          }
        })
        previous.dispose()
        expect(adv.shape).toEqual(x0.shape)
        expect(adv.dtype).toBe('float32')
        expect(values(adv).every(Number.isFinite)).toBe(true)
        expect(maxAbsDiff(adv, x0)).toBeGreaterThan(0)
        expect(values(x0)).toEqual(x0Before)
        adv.dispose()
        expect(tf.memory().numTensors).toBe(before)
      })
    }
  }

  it('T = 0 or ε = 0 returns x0, and a model with zero input gradient returns x0 without NaN (A3)', () => {
    const all = { ...stacks['di+si+mi'], ...singles.vt, ...singles.rap }
    for (const config of [baseConfig({ ...all, steps: 0 }), baseConfig({ ...all, eps: 0 })]) {
      const adv = runAttack(resnet, x0, y, config)
      expectBitwiseEqual(adv, x0)
      adv.dispose()
    }
    const flat: Classifier = {
      ...cnn,
      forward: (x) =>
        tf.mul(tf.sum(x, [1, 2, 3], true).reshape([x.shape[0], 1]), tf.zeros([1, 3])) as tf.Tensor2D
    }
    const adv = runAttack(flat, x0, y, baseConfig({ ...all, ...singles.ni }))
    expectBitwiseEqual(adv, x0)
    adv.dispose()
  })
})

describe('runAttack reductions to BIM (B5–B10)', () => {
  const bim = () => referenceBim(resnet, x0, y, eps, eps / 4, 6)
  const expectBim = (config: Partial<AttackConfig>, model: Classifier = resnet) => {
    const ref = bim()
    const adv = runAttack(model, x0, y, baseConfig(config))
    expectBitwiseEqual(adv, ref)
    tf.dispose([ref, adv])
  }
  it('empty stack ≡ BIM, and bimAttack (now delegating) ≡ the original loop', () => {
    expectBim({})
    const ref = bim()
    const adv = bimAttack(resnet, x0, y, { eps, stepSize: eps / 4, steps: 6 })
    expectBitwiseEqual(adv, ref)
    tf.dispose([ref, adv])
  })
  it('MI μ=0, NI μ=0, SI m=1, DI p=0, SGM γ=1, GN r=0 ≡ BIM', () => {
    for (const config of [
      { mi: { mu: 0 } },
      { ni: { mu: 0 } },
      { si: { copies: 1 } },
      { di: { resizeRate: 0.8, prob: 0 } },
      { sgm: { gamma: 1 } },
      { gn: { range: 0 } }
    ])
      expectBim(config)
  })
  it('LGV with K = 1 ≡ BIM on that member, and with K identical copies ≡ BIM', () => {
    expectBim({ lgv: { members: [resnet], nGrad: 1 } }, cnn)
    expectBim({ lgv: { members: [resnet, copy(resnet), copy(resnet)], nGrad: 1 } }, cnn)
  })
  it('RAP with ε_n = 0, with K_LS ≥ T, and with T_in = 0 without random init ≡ BIM', () => {
    const rap = { innerSteps: 2, epsN: 3 / 255, alphaN: 1 / 255, lateStart: 1, randomInit: true }
    expectBim({ rap: { ...rap, epsN: 0, alphaN: 0 } })
    expectBim({ rap: { ...rap, lateStart: 6 } })
    expectBim({ rap: { ...rap, innerSteps: 0, randomInit: false } })
  })
  it('VT with N = 0 ≡ MI with the same μ; VT with β = 0 ≈ MI (B10)', () => {
    const mi = runAttack(resnet, x0, y, baseConfig({ mi: { mu: 1 } }))
    const vt0 = runAttack(resnet, x0, y, baseConfig({ vt: { samples: 0, beta: 1.5, mu: 1 } }))
    expectBitwiseEqual(vt0, mi)
    const vtBeta0 = runAttack(resnet, x0, y, baseConfig({ vt: { samples: 2, beta: 0, mu: 1 } }))
    // Equal except at sign ties of the rounding-level variance term.
    const differing = values(tf.notEqual(vtBeta0, mi)).filter(Boolean).length
    expect(differing / mi.size).toBeLessThan(0.05)
    tf.dispose([mi, vt0, vtBeta0])
  })
})

describe('runAttack on the closed-form linear model (C11)', () => {
  const w = [0.5, -1, 0, 2, -0.3, 0.8]
  const start = [0.5, 0.5, 0.5, 0.98, 0.01, 0.3]
  const linear = linearModel(w, -0.4)
  const members = [
    linearModel(
      w.map((v) => v * 2),
      -0.1
    ),
    linearModel(
      w.map((v) => v * 0.5),
      0.2
    )
  ]
  const rap = { innerSteps: 3, epsN: 6 / 255, alphaN: 2 / 255, lateStart: 1, randomInit: true }
  const cases: Record<string, Partial<AttackConfig>> = {
    bim: {},
    mi: { mi: { mu: 1.2 } },
    ni: { ni: { mu: 0.6 } },
    si: { si: { copies: 4 } },
    vt: { vt: { samples: 4, beta: 1.5, mu: 0 } },
    rap: { rap },
    lgv: { lgv: { members, nGrad: 1 } }
  }
  for (const [name, config] of Object.entries(cases)) {
    it(`${name} alone returns clip(x0 + min(Tα, ε)·sign(w), 0, 1) bitwise equal to BIM`, () => {
      const x = tf.tensor4d(start, [1, 1, w.length, 1])
      const labels = tf.tensor1d([0], 'int32')
      const steps = 7
      const ref = referenceBim(linear, x, labels, eps, eps / 10, steps)
      const adv = runAttack(
        linear,
        x,
        labels,
        baseConfig({ ...config, eps, alpha: eps / 10, steps })
      )
      const expected = start.map((v, i) =>
        Math.min(1, Math.max(0, v + Math.min((steps * eps) / 10, eps) * Math.sign(w[i])))
      )
      values(adv).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6))
      expectBitwiseEqual(adv, ref)
      tf.dispose([x, labels, ref, adv])
    })
  }
})

describe('runAttack scheduling and validation', () => {
  it('LGV calls order[t mod K] and every call inside iteration t uses that member (D17)', () => {
    const calls: string[] = []
    const members = ['a', 'b', 'c'].map((n, i) =>
      instrumented(tinyModel('small-resnet', 20 + i), n, calls)
    )
    const perIteration: string[][] = []
    const config = baseConfig({
      steps: 7,
      lgv: { members, nGrad: 1 },
      si: { copies: 2 },
      vt: { samples: 2, beta: 1, mu: 0 },
      rap: { innerSteps: 2, epsN: 2 / 255, alphaN: 1 / 255, lateStart: 3, randomInit: true }
    })
    const adv = runAttack(resnet, x0, y, config, {
      onIteration: () => perIteration.push(calls.splice(0))
    })
    expect(perIteration).toHaveLength(7)
    const used = perIteration.map((c) => {
      expect(new Set(c).size).toBe(1)
      return c[0]
    })
    expect(perIteration[0]).toHaveLength(2 * 3)
    expect(perIteration[3]).toHaveLength(2 * 3 + 2)
    expect(new Set(used.slice(0, 3)).size).toBe(3)
    for (let t = 3; t < 7; t++) expect(used[t]).toBe(used[t % 3])
    adv.dispose()
    members.forEach((m) => m.params.dispose())
  })

  it('rejects GN and SGM on an architecture without skips, naming technique and architecture', () => {
    expect(() => runAttack(cnn, x0, y, baseConfig({ gn: { range: 0.22 } }))).toThrow(
      /GN \(ghost networks\).*"small-cnn" has none/
    )
    expect(() => runAttack(cnn, x0, y, baseConfig({ sgm: { gamma: 0.2 } }))).toThrow(
      /SGM \(skip gradient method\).*"small-cnn" has none/
    )
    expect(() =>
      runAttack(
        resnet,
        x0,
        y,
        baseConfig({ sgm: { gamma: 0.2 }, lgv: { members: [resnet, cnn], nGrad: 1 } })
      )
    ).toThrow(/small-cnn/)
    // Lists skips but calls neither hook: the probe pass catches it instead of attacking the plain model.
    const silent: Classifier = {
      ...cnn,
      skipConnections: ['block'],
      config: { ...cnn.config, arch: 'resnet-18' }
    }
    expect(() => runAttack(silent, x0, y, baseConfig({ sgm: { gamma: 0.2 } }))).toThrow(
      /SGM .*"resnet-18".*remove "sgm"/
    )
    expect(() => runAttack(silent, x0, y, baseConfig({ gn: { range: 0.2 } }))).toThrow(
      /GN .*"resnet-18".*remove "gn"/
    )
  })
})

describe('runAttack determinism and independence (E18–E21)', () => {
  const random = (): Record<string, Partial<AttackConfig>> => ({
    di: singles.di,
    gn: singles.gn,
    vt: singles.vt,
    rap: { rap: { ...singles.rap.rap!, lateStart: 0 } },
    lgv: { lgv: { members: [resnet, others[1], others[2]], nGrad: 1 } }
  })
  it('same seed ⇒ bitwise-identical output; another seed changes randomised stacks (E18)', () => {
    for (const [name, config] of Object.entries(random())) {
      const a = runAttack(resnet, x0, y, baseConfig({ ...config, seed: 1 }))
      const b = runAttack(resnet, x0, y, baseConfig({ ...config, seed: 1 }))
      const c = runAttack(resnet, x0, y, baseConfig({ ...config, seed: 2 }))
      expectBitwiseEqual(a, b)
      expect(maxAbsDiff(a, c), name).toBeGreaterThan(0)
      tf.dispose([a, b, c])
    }
  })
  it('another seed does not change BIM, MI, NI, SI or SGM', () => {
    for (const config of [{}, singles.mi, singles.ni, singles.si, singles.sgm]) {
      const a = runAttack(resnet, x0, y, baseConfig({ ...config, seed: 1 }))
      const b = runAttack(resnet, x0, y, baseConfig({ ...config, seed: 99 }))
      expectBitwiseEqual(a, b)
      tf.dispose([a, b])
    }
  })
  it('enabling VT does not shift the DI draws of the main oracle call (keyed streams)', () => {
    // With VT on but N = 0 no neighbour is drawn, so DI must draw exactly as without VT.
    const a = runAttack(resnet, x0, y, baseConfig({ ...singles.di, mi: { mu: 1 } }))
    const b = runAttack(
      resnet,
      x0,
      y,
      baseConfig({ ...singles.di, vt: { samples: 0, beta: 1, mu: 1 } })
    )
    expectBitwiseEqual(a, b)
    tf.dispose([a, b])
  })
  it('the key order of the config does not matter (E19)', () => {
    const forward = { ...singles.gn, ...singles.di, ...singles.vt, ...singles.ni, ...singles.rap }
    const reversed = Object.fromEntries(Object.entries(forward).reverse()) as Partial<AttackConfig>
    const a = runAttack(resnet, x0, y, baseConfig(forward))
    const b = runAttack(resnet, x0, y, baseConfig(reversed))
    expectBitwiseEqual(a, b)
    tf.dispose([a, b])
  })
  it('without batch-shared randomness a batch equals its images attacked alone (E20)', () => {
    const config = baseConfig({ ...singles.si, ...singles.ni, ...singles.sgm })
    const batch = runAttack(resnet, x0, y, config)
    for (let i = 0; i < 3; i++) {
      const xi = tf.slice(x0, [i, 0, 0, 0], [1, 8, 8, 1])
      const yi = tf.slice(y, [i], [1])
      const alone = runAttack(resnet, xi, yi, config)
      const fromBatch = tf.slice(batch, [i, 0, 0, 0], [1, 8, 8, 1])
      expect(maxAbsDiff(alone, fromBatch)).toBeLessThanOrEqual(1e-6)
      tf.dispose([xi, yi, alone, fromBatch])
    }
    batch.dispose()
  })
  it('MEAN instead of SUM loss reduction gives the same output (E21)', () => {
    for (const config of [
      {},
      singles.mi,
      singles.ni,
      singles.si,
      singles.sgm,
      singles.gn,
      singles.di
    ]) {
      const a = runAttack(resnet, x0, y, baseConfig({ ...config, lossReduction: 'sum' }))
      const b = runAttack(resnet, x0, y, baseConfig({ ...config, lossReduction: 'mean' }))
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6)
      tf.dispose([a, b])
    }
  })
})
