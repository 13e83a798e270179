import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { batchTensors, range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import type { GradientOracle, PassMode } from '../../../../main/engine/minimizers/gradient-oracle'
import { Sam } from '../../../../main/engine/minimizers/sam'
import { Sgd } from '../../../../main/engine/minimizers/sgd'
import {
  disposeMaps,
  snapshot,
  type TensorMap
} from '../../../../main/engine/minimizers/tensor-map'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { BatchObjective } from '../../../../main/engine/training/batch-objective'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { flatOf, iteration } from '../../helpers/quadratic'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(32, 8)
})

const values = (m: Map<string, tf.Tensor>) =>
  [...m].map(([name, t]) => [name, Array.from(t.dataSync())])
const model = () => buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
const batch = () => batchTensors(data.train, range(16))

/** Passes through to the objective, remembering the probe pass's weights and gradients. */
class ProbeSpy implements GradientOracle {
  probe: { weights: TensorMap; grads: number[] } | undefined
  constructor(private readonly inner: GradientOracle) {}
  get weights() {
    return this.inner.weights
  }
  async gradient(mode: PassMode): Promise<TensorMap> {
    const grads = await this.inner.gradient(mode)
    if (mode === 'probe') this.probe = { weights: snapshot(this.weights), grads: flatOf(grads) }
    return grads
  }
}

describe('BatchObjective: the BN policy of the SAM family (training spec §1.3, oracle 8)', () => {
  it('after one SAM iteration the running stats equal those of one TRAIN+UPDATE pass at w', async () => {
    const [a, b] = [model(), model()]
    const { x, y } = batch()
    const run = async (m: Classifier, make: (base: SgdMomentum) => Sam | Sgd) => {
      const objective = new BatchObjective(m, x, y, () => new Error('NaN'))
      const base = new SgdMomentum(0.9, 5e-4)
      const spy = new ProbeSpy(objective)
      await make(base).iterate(spy, iteration({ lr: 0.05 }))
      base.dispose()
      return { objective, spy }
    }
    const sam = await run(a, (base) => new Sam(base, 0.5))
    const sgd = await run(b, (base) => new Sgd(base))
    expect(sam.objective.passes).toBe(2)
    expect(sgd.objective.passes).toBe(1)
    expect(values(a.params.buffers)).toEqual(values(b.params.buffers))
    expect(values(a.params.trainable)).not.toEqual(values(b.params.trainable))
    expect(sam.objective.loss).toBe(sgd.objective.loss) // pass 1's loss is the one logged

    // g_adv is the train-mode gradient at w + e: recompute it on a fresh copy set to the probe weights.
    const c = model()
    const probe = sam.spy.probe!
    for (const [name, v] of c.params.trainable) v.assign(probe.weights.get(name)!)
    const buffersBefore = values(c.params.buffers)
    const again = await new BatchObjective(c, x, y, () => new Error('NaN')).gradient('probe')
    const expected = flatOf(again)
    probe.grads.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 6))
    // A probe pass alone moves no running statistic.
    expect(values(c.params.buffers)).toEqual(buffersBefore)
    disposeMaps(again, probe.weights)
    tf.dispose([x, y])
    for (const m of [a, b, c]) m.params.dispose()
  })

  it('throws the given error on a non-finite loss, before any running statistic moves', async () => {
    const m = model()
    for (const v of m.params.trainable.values())
      tf.tidy(() => v.assign(tf.fill(v.shape, Number.NaN)))
    const { x, y } = batch()
    const before = values(m.params.buffers)
    const count = tf.memory().numTensors
    const objective = new BatchObjective(m, x, y, () => new Error('loss exploded'))
    await expect(objective.gradient('update')).rejects.toThrow('loss exploded')
    expect(values(m.params.buffers)).toEqual(before)
    expect(tf.memory().numTensors).toBe(count)
    tf.dispose([x, y])
    m.params.dispose()
  })
})
