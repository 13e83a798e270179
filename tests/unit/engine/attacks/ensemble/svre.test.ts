/** SVRE oracles (spec attacks-more.md §5.2): M = 1 ≈ Ens + MI, member picks, box. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { AttackRng } from '../../../../../main/engine/attacks/attack-rng'
import { svreAttack } from '../../../../../main/engine/attacks/ensemble/svre'
import { gradientOracle } from '../../../../../main/engine/attacks/gradient-oracle'
import { createModelLayer } from '../../../../../main/engine/attacks/model-layer'
import { createObjective } from '../../../../../main/engine/attacks/objective/attack-objective'
import { baseConfig, maxAbsDiff, tinyBatch, tinyModel, useCpu, values } from '../attack-fixtures'

beforeAll(useCpu)

describe('SVRE', () => {
  it('M = 1 ≈ Ens + MI(μ) (the control variate cancels but for rounding)', () => {
    const members = [tinyModel('small-resnet', 1), tinyModel('small-cnn', 2)]
    const { x0, y } = tinyBatch(3)
    const ens = { members, fusion: 'logits' as const }
    const svre = runAttack(
      members[0],
      x0,
      y,
      baseConfig({ ens, svre: { innerSteps: 1, beta: 1, mu: 1, muInner: 1 } })
    )
    const mi = runAttack(members[0], x0, y, baseConfig({ ens, mi: { mu: 1 } }))
    expect(values(tf.notEqual(svre, mi)).filter(Boolean).length / mi.size).toBeLessThan(0.05)
    members.forEach((m) => m.params.dispose())
  })
  it('picks members uniformly (≈ 1/K) and keeps the inner iterate in the box', () => {
    const members = [
      tinyModel('small-resnet', 1),
      tinyModel('small-cnn', 2),
      tinyModel('small-resnet', 3)
    ]
    const { x0, y } = tinyBatch(2)
    const config = baseConfig({ ens: { members, fusion: 'logits' }, steps: 10 })
    const rng = new AttackRng(config.seed)
    const layer = createModelLayer(members[0], config, rng)
    const lossOf = createObjective(config, y)
    const eps = config.eps
    const lo = tf.maximum(tf.sub(x0, eps), 0) as tf.Tensor4D
    const hi = tf.minimum(tf.add(x0, eps), 1) as tf.Tensor4D
    const picks = [0, 0, 0]
    const adv = svreAttack(
      { innerSteps: 30, beta: 1, mu: 1, muInner: 1 },
      {
        layer,
        memberCount: 3,
        oracle: (f, z, t, call) => gradientOracle(f, lossOf, z, {}, rng, t, call),
        rng,
        x0,
        lo,
        hi,
        eps,
        alpha: config.alpha,
        steps: config.steps
      },
      (_t, k) => picks[k]++
    )
    for (const count of picks) expect(Math.abs(count / 300 - 1 / 3)).toBeLessThan(0.08)
    expect(maxAbsDiff(adv, x0)).toBeLessThanOrEqual(eps + 1e-7)
    members.forEach((m) => m.params.dispose())
  })
})
