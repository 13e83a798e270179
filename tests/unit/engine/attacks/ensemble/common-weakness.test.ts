/** CWA oracles (spec attacks-more.md §5.3): reduction to MI with one member, the reverse step lowers the loss. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { AttackRng } from '../../../../../main/engine/attacks/attack-rng'
import { commonWeaknessAttack } from '../../../../../main/engine/attacks/ensemble/common-weakness'
import { gradientOracle } from '../../../../../main/engine/attacks/gradient-oracle'
import { createModelLayer } from '../../../../../main/engine/attacks/model-layer'
import { createObjective } from '../../../../../main/engine/attacks/objective/attack-objective'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import { crossEntropySum } from '../../../../../main/engine/training/cross-entropy'
import { baseConfig, linearModel, tinyBatch, tinyModel, useCpu, values } from '../attack-fixtures'

beforeAll(useCpu)

describe('CWA', () => {
  it('one member, r = 0, μ_in = 0 and a β that never clips ≈ MI(μ) (Δ ∝ g)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    const config = baseConfig({ ens: { members: [model], fusion: 'logits' } })
    const rng = new AttackRng(config.seed)
    const layer = createModelLayer(model, config, rng)
    const lossOf = createObjective(config, y)
    // ε so large that only [0, 1] bounds, as in the MI run below; the outer step is α (outerStep in ε/T units).
    const lo = tf.zerosLike(x0) as tf.Tensor4D
    const hi = tf.onesLike(x0) as tf.Tensor4D
    const outerStep = (config.alpha * config.steps) / config.eps
    const cwa = commonWeaknessAttack(
      { r: 0, beta: 1e-3, outerStep, mu: 1, muInner: 0 },
      {
        layer,
        memberCount: 1,
        oracle: (f, z, t, call) => gradientOracle(f, lossOf, z, {}, rng, t, call),
        rng,
        x0,
        lo,
        hi,
        eps: config.eps,
        alpha: config.alpha,
        steps: config.steps
      }
    )
    const mi = runAttack(model, x0, y, baseConfig({ mi: { mu: 1 }, eps: 1e6 }))
    expect(values(tf.notEqual(cwa, mi)).filter(Boolean).length / mi.size).toBeLessThan(0.05)
    model.params.dispose()
  })
  it('the reverse step lowers the ensemble loss on a convex toy: L(x − r·sign(g)) ≤ L(x)', () => {
    const linear = linearModel([0.5, -1, 0.2, 2, -0.3, 0.8], 0.1)
    const x = tf.tensor4d([0.5, 0.4, 0.5, 0.6, 0.1, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const loss = (z: tf.Tensor) => crossEntropySum(linear.forward(z as tf.Tensor4D, EVAL), labels)
    const reversed = tf.sub(x, tf.mul(tf.sign(tf.grad(loss)(x)), 8 / 255 / 15))
    expect(loss(reversed).dataSync()[0]).toBeLessThanOrEqual(loss(x).dataSync()[0])
  })
})
