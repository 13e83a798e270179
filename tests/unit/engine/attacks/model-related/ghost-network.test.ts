import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  drawGhostScales,
  ghostSkip
} from '../../../../../main/engine/attacks/model-related/ghost-network'
import { Rng } from '../../../../../main/engine/data/rng'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import { tinyBatch, tinyModel, useCpu, values } from '../attack-fixtures'

beforeAll(useCpu)

describe('GN skip erosion (D15)', () => {
  it('draws λ in [1−r, 1+r] with mean ≈ 1, new per key and repeated under the same key', () => {
    const draws = drawGhostScales(0.22, 20000, new Rng(3))
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1 - 0.22 - 1e-7)
    expect(Math.max(...draws)).toBeLessThanOrEqual(1 + 0.22 + 1e-7)
    expect(draws.reduce((s, v) => s + v, 0) / draws.length).toBeCloseTo(1, 2)
    expect(Array.from(drawGhostScales(0.22, 8, new Rng(3)))).toEqual(Array.from(draws.slice(0, 8)))
    expect(Array.from(drawGhostScales(0.22, 8, new Rng(4)))).not.toEqual(
      Array.from(draws.slice(0, 8))
    )
  })

  it('with r = 0 the forward output equals the unpatched model; with r > 0 each pass differs', () => {
    const model = tinyModel('small-resnet')
    const { x0 } = tinyBatch(2)
    const plain = values(model.forward(x0, EVAL))
    expect(values(model.forward(x0, { ...EVAL, transformSkip: ghostSkip(0, new Rng(1)) }))).toEqual(
      plain
    )
    const a = values(model.forward(x0, { ...EVAL, transformSkip: ghostSkip(0.22, new Rng(1)) }))
    const b = values(model.forward(x0, { ...EVAL, transformSkip: ghostSkip(0.22, new Rng(2)) }))
    const again = values(model.forward(x0, { ...EVAL, transformSkip: ghostSkip(0.22, new Rng(1)) }))
    expect(a).not.toEqual(plain)
    expect(a).not.toEqual(b)
    expect(again).toEqual(a)
    model.params.dispose()
  })

  it('scales each shortcut channel by its own λ, shared over batch and positions', () => {
    const shortcut = tf.ones([2, 3, 3, 4]) as tf.Tensor4D
    const scaled = ghostSkip(0.5, new Rng(7))('block1', shortcut)
    const expected = Array.from(drawGhostScales(0.5, 4, new Rng(7).fork('block1')))
    const v = values(scaled)
    for (let i = 0; i < v.length; i++) expect(v[i]).toBeCloseTo(expected[i % 4], 6)
    tf.dispose([shortcut, scaled])
  })
})
