/**
 * GN and SGM on every architecture with skip connections (issue 4/5): off settings are plain BIM
 * bitwise, on settings reach the net (SGM moves the input gradient but not the logits, GN moves the
 * logits under a seed), and nets without skips are refused by name.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ARCHITECTURES,
  ARCHITECTURES_WITH_SKIPS,
  type ArchitectureId
} from '../../../../../main/contract/audit-spec'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { ghostSkip } from '../../../../../main/engine/attacks/model-related/ghost-network'
import { skipGradientResidual } from '../../../../../main/engine/attacks/model-related/skip-gradient'
import { Rng } from '../../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../../main/engine/models/architecture-registry'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import { EVAL, type ForwardContext } from '../../../../../main/engine/models/forward-context'
import {
  baseConfig,
  expectBitwiseEqual,
  maxAbsDiff,
  referenceBim,
  tinyBatch,
  tinyConfig8,
  useCpu,
  values
} from '../attack-fixtures'

/** Widths that keep each family's full depth yet stay cheap on 8×8 inputs. */
const TINY_WIDTH: Partial<Record<ArchitectureId, number>> = {
  'resnet-50': 2,
  'resnet-101': 2,
  'densenet-121': 1,
  'densenet-161': 1,
  'densenet-201': 1,
  'wrn-16-8': 1,
  'wrn-28-10': 1,
  convmixer: 8,
  'mlp-mixer': 8,
  mlp: 16
}
const tiny = (arch: ArchitectureId): Classifier =>
  buildClassifier(tinyConfig8(arch, TINY_WIDTH[arch] ?? 4), new Rng(1))

beforeAll(useCpu)

describe.each([...ARCHITECTURES_WITH_SKIPS])('GN and SGM on %s', (arch) => {
  it('SGM γ = 1 and GN r = 0 equal plain BIM bitwise; SGM γ < 1 moves the input gradient, not the logits; GN erodes under its seed', () => {
    const model = tiny(arch)
    const { x0, y } = tinyBatch(2)
    const config = baseConfig({ steps: 2 })
    const bim = referenceBim(model, x0, y, config.eps, config.alpha, config.steps)
    for (const off of [{ sgm: { gamma: 1 } }, { gn: { range: 0 } }]) {
      const adv = runAttack(model, x0, y, { ...config, ...off })
      expectBitwiseEqual(adv, bim)
      adv.dispose()
    }

    const sgm: ForwardContext = { ...EVAL, transformResidual: skipGradientResidual(0.5) }
    const grad = (ctx: ForwardContext) =>
      tf.grad((z: tf.Tensor) =>
        tf.sum(tf.mul(model.forward(z as tf.Tensor4D, ctx), tf.oneHot(y, 3)))
      )(x0)
    expect(values(model.forward(x0, sgm))).toEqual(values(model.forward(x0, EVAL)))
    expect(maxAbsDiff(grad(sgm), grad(EVAL))).toBeGreaterThan(1e-7)

    const ghost = (seed: number) =>
      values(model.forward(x0, { ...EVAL, transformSkip: ghostSkip(0.22, new Rng(seed)) }))
    const plain = values(model.forward(x0, EVAL))
    expect(ghost(1)).not.toEqual(plain)
    expect(ghost(1)).toEqual(ghost(1))
    expect(ghost(2)).not.toEqual(ghost(1))

    tf.dispose([bim, x0, y])
    model.params.dispose()
  })
})

describe.each(ARCHITECTURES.filter((a) => !ARCHITECTURES_WITH_SKIPS.includes(a)))(
  'GN and SGM on %s',
  (arch) => {
    it('are refused with a message naming the technique and the architecture', () => {
      const model = tiny(arch)
      const { x0, y } = tinyBatch(2)
      expect(() => runAttack(model, x0, y, baseConfig({ gn: { range: 0.22 } }))).toThrow(
        new RegExp(`GN \\(ghost networks\\).*"${arch}" has none`)
      )
      expect(() => runAttack(model, x0, y, baseConfig({ sgm: { gamma: 0.2 } }))).toThrow(
        new RegExp(`SGM \\(skip gradient method\\).*"${arch}" has none`)
      )
      tf.dispose([x0, y])
      model.params.dispose()
    })
  }
)
