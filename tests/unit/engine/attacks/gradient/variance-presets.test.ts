/** VMI and VNI as compositions (spec attacks-more.md §3.2): pure expansion, reductions, VNI wiring. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { AttackSpec } from '../../../../../main/contract/audit-spec'
import { attackConfigFromSpec } from '../../../../../main/engine/attacks/attack-config'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import { expectBitwiseEqual, tinyBatch, tinyModel, useCpu } from '../attack-fixtures'

beforeAll(useCpu)
const eps = 8 / 255
const run = (
  model: Classifier,
  x0: tf.Tensor4D,
  y: tf.Tensor1D,
  stack: object,
  hooks = {}
): tf.Tensor4D =>
  runAttack(
    model,
    x0,
    y,
    attackConfigFromSpec(AttackSpec.parse({ eps, steps: 5, stack }), 3),
    hooks
  )

describe('VMI and VNI presets', () => {
  it('are bitwise the hand-built VT + MI and VT + NI stacks (the registry adds no behaviour)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    expectBitwiseEqual(
      run(model, x0, y, { vmi: { samples: 3 } }),
      run(model, x0, y, { vt: { samples: 3, beta: 1.5, mu: 0 }, mi: { mu: 1 } })
    )
    expectBitwiseEqual(
      run(model, x0, y, { vni: { samples: 3 } }),
      run(model, x0, y, { vt: { samples: 3, beta: 1.5, mu: 0 }, ni: { mu: 1 } })
    )
    model.params.dispose()
  })
  it('with N = 0 reduce to MI(μ = 1) and NI(μ = 1)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    expectBitwiseEqual(
      run(model, x0, y, { vmi: { samples: 0 } }),
      run(model, x0, y, { mi: { mu: 1 } })
    )
    expectBitwiseEqual(
      run(model, x0, y, { vni: { samples: 0 } }),
      run(model, x0, y, { ni: { mu: 1 } })
    )
    model.params.dispose()
  })
  it('VNI takes the main gradient at the look-ahead x̂ and centres the neighbours on x_t', () => {
    const base = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    const inputs: tf.Tensor[] = []
    const recorded: Classifier = {
      ...base,
      forward: (x, ctx) => (inputs.push(tf.keep(x.clone())), base.forward(x, ctx))
    }
    const iterates: tf.Tensor[] = [tf.keep(x0.clone())]
    run(
      recorded,
      x0,
      y,
      { vni: { samples: 2, beta: 1 } },
      { onIteration: (_t: number, x: tf.Tensor) => iterates.push(tf.keep(x.clone())) }
    )
    // Iteration 1 (3 passes: main, 2 neighbours): the main point is x̂ = x_1 + α·μ·m_1 ≠ x_1; neighbours are within β·ε of x_1.
    const [main, n1, n2] = inputs.slice(3, 6)
    const x1 = iterates[1]
    expect(tf.max(tf.abs(tf.sub(main, x1))).dataSync()[0]).toBeGreaterThan(0)
    for (const n of [n1, n2])
      expect(tf.max(tf.abs(tf.sub(n, x1))).dataSync()[0]).toBeLessThanOrEqual(eps + 1e-6)
    base.params.dispose()
  })
})
