/**
 * Registry sweep (spec attacks-more.md §9.1–9.2): every registered technique at its app defaults, on a
 * tiny 28×28×1 and a tiny 32×32×3 surrogate, stays in the ε-box and [0,1] after every iteration, moves
 * at most one step per iteration, returns finite values of the input's shape, leaks no tensor, leaves
 * x0 untouched; and an instrumented pass counter equals the registry's cost of the stack.
 */
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  attackCost,
  STACK_TECHNIQUE_IDS,
  type StackTechniqueId
} from '../../../../main/contract/attack-stack'
import { AttackSpec } from '../../../../main/contract/audit-spec'
import { attackConfigFromSpec } from '../../../../main/engine/attacks/attack-config'
import { runAttack } from '../../../../main/engine/attacks/attack-loop'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { maxAbsDiff, useCpu, values } from './attack-fixtures'

const eps = 8 / 255
const steps = 4
const shapes: [number, number, number][] = [
  [28, 28, 1],
  [32, 32, 3]
]
const models = new Map<string, Classifier[]>()

beforeAll(async () => {
  await useCpu()
  for (const shape of shapes)
    models.set(
      shape.join('×'),
      [1, 2, 3].map((seed) =>
        buildClassifier(
          {
            arch: 'small-resnet',
            width: 4,
            inputShape: shape,
            numClasses: 3,
            normalization: { mean: Array(shape[2]).fill(0.5), std: Array(shape[2]).fill(0.25) }
          },
          new Rng(seed)
        )
      )
    )
})
afterAll(() => {
  for (const list of models.values()) list.forEach((m) => m.params.dispose())
})

/** The stack of one technique at its defaults, with what it needs to run (an ensemble for SVRE/CWA). */
function stackOf(id: StackTechniqueId): Record<string, unknown> {
  if (id === 'lgv') return { lgv: {} }
  if (id === 'ens') return { ens: { members: ['a', 'b'] } }
  if (id === 'svre' || id === 'cwa') return { ens: { members: ['a', 'b'] }, [id]: {} }
  if (id === 'rap') return { rap: { lateStart: 1 } }
  return { [id]: {} }
}

function configFor(
  stack: Record<string, unknown>,
  surrogates: Classifier[],
  count?: (name: string) => void
) {
  const spec = AttackSpec.parse({ eps, steps, stack })
  // Only passes on the attacked batch (2 images) count: GN and SGM also probe their hooks once on one image.
  const counted = surrogates.map((m, i) =>
    count
      ? {
          ...m,
          forward: (x: tf.Tensor4D, ctx: Parameters<Classifier['forward']>[1]) => (
            x.shape[0] === 2 && count(`m${i}`),
            m.forward(x, ctx)
          )
        }
      : m
  )
  const members = stack.ens ? counted.slice(0, 2) : undefined
  const lgv = stack.lgv ? counted.slice(0, 2) : undefined
  return {
    spec,
    config: attackConfigFromSpec(spec, 5, lgv, { ensembleMembers: members }),
    surrogate: counted[0]
  }
}

describe('every registered technique at its defaults (A1–A4)', () => {
  for (const shape of shapes)
    for (const id of STACK_TECHNIQUE_IDS) {
      it(`${id} on ${shape.join('×')}`, () => {
        const surrogates = models.get(shape.join('×'))!
        const x0 = tf.randomUniform([2, ...shape], 0, 1, 'float32', 3) as tf.Tensor4D
        const y = tf.tensor1d([0, 1], 'int32')
        const { config, spec } = configFor(stackOf(id), surrogates)
        // CWA's outer step is its own α_c = 2ε/T; ILA's stage 2 restarts from x0 at t = T/2 with steps of ε/5.
        const step = id === 'cwa' ? (2 * eps) / steps : id === 'ila' ? eps / 5 : spec.stepSize
        const before = tf.memory().numTensors
        const start = values(x0)
        let previous = tf.clone(x0)
        const adv = runAttack(surrogates[0], x0, y, config, {
          onIteration: (t, x) => {
            if (id === 'ila' && t === steps / 2) {
              previous.dispose()
              previous = tf.clone(x0)
            }
            expect(maxAbsDiff(x, x0)).toBeLessThanOrEqual(eps + 1e-6)
            expect(maxAbsDiff(x, previous)).toBeLessThanOrEqual(step + 1e-6)
            expect(tf.min(x).dataSync()[0]).toBeGreaterThanOrEqual(0)
            expect(tf.max(x).dataSync()[0]).toBeLessThanOrEqual(1)
            previous.dispose()
            previous = tf.keep(tf.clone(x))
          }
        })
        previous.dispose()
        expect(adv.shape).toEqual(x0.shape)
        expect(values(adv).every(Number.isFinite)).toBe(true)
        expect(maxAbsDiff(adv, x0)).toBeGreaterThan(0)
        expect(values(x0)).toEqual(start)
        adv.dispose()
        expect(tf.memory().numTensors).toBe(before)
        tf.dispose([x0, y])
      })
    }
})

describe('cost: an instrumented pass counter equals the registry (§9.2)', () => {
  const cases: Record<string, Record<string, unknown>> = Object.fromEntries(
    STACK_TECHNIQUE_IDS.map((id) => [id, stackOf(id)])
  )
  Object.assign(cases, {
    'si+vt': { si: { copies: 2 }, vt: { samples: 3 } },
    'admix+emi': { admix: { scales: 2, mixes: 2 }, emi: { samples: 3 } },
    'ens+pgn+di': { ens: { members: ['a', 'b'] }, pgn: { samples: 2 }, di: {} },
    'ila+rap+si': { ila: {}, rap: { lateStart: 1, innerSteps: 2 }, si: { copies: 2 } },
    'fia+ti+mi': { fia: { copies: 3 }, ti: {}, mi: {} },
    'lgv(nGrad 2)+rap': { lgv: { nGrad: 2 }, rap: { lateStart: 2, innerSteps: 3 } }
  })
  for (const [name, stack] of Object.entries(cases)) {
    it(name, () => {
      const calls: string[] = []
      const surrogates = models.get('28×28×1')!
      const { config, spec, surrogate } = configFor(stack, surrogates, (m) => calls.push(m))
      const x0 = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D
      const y = tf.tensor1d([2, 0], 'int32')
      const adv = runAttack(surrogate, x0, y, config)
      expect(calls.length).toBe(attackCost(spec.stack, steps))
      tf.dispose([x0, y, adv])
    })
  }
})
