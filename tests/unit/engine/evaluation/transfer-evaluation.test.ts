import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AttackSpec, ModelSpec, TrainingRecipe } from '../../../../main/contract/audit-spec'
import { checkAttackPlan, loadLgvMembers } from '../../../../main/engine/attacks/attack-plan'
import { batchTensors, range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import {
  commonlyCorrect,
  meanAndStd,
  measureTransfer,
  type NamedModel
} from '../../../../main/engine/evaluation/transfer-evaluation'
import { predictSplit, predictTensor } from '../../../../main/engine/evaluation/predict'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { saveClassifier } from '../../../../main/engine/models/model-io'
import { trainClassifier } from '../../../../main/engine/training/train-classifier'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
let surrogate: NamedModel
let target: NamedModel
let attacked: number[]

/** Trains a width-4 model for a few epochs on a few hundred embedded images (cpu, a few seconds). */
async function trained(arch: 'small-cnn' | 'small-resnet', seed: number): Promise<Classifier> {
  const model = buildClassifier(tinyConfig(arch, 4), new Rng(seed))
  const recipe = TrainingRecipe.parse({
    epochs: 8,
    batchSize: 32,
    lr: 0.1,
    augment: { cropPadding: 0, flip: false }
  })
  await trainClassifier(model, {
    name: arch,
    recipe,
    train: data.train,
    test: data.test,
    flipPreservesLabel: true,
    rng: new Rng(seed)
  })
  return model
}

beforeAll(async () => {
  // The app's backend (wasm): training on the cpu backend would take over a minute here.
  await initBackend()
  data = await tinyDataset(400, 160)
  surrogate = { name: 'sur', model: await trained('small-resnet', 1) }
  target = { name: 'tgt', model: await trained('small-cnn', 2) }
  const candidates = range(data.test.count)
  const preds = [
    await predictSplit(surrogate.model, data.test, candidates),
    await predictSplit(target.model, data.test, candidates)
  ]
  attacked = commonlyCorrect(data.test, candidates, preds).slice(0, 40)
})
afterAll(() => {
  surrogate.model.params.dispose()
  target.model.params.dispose()
})

const eps = 16 / 255
const spec = (input: Record<string, unknown>) =>
  AttackSpec.parse({ eps, steps: 5, batchSize: 20, ...input })

describe('trained demo-like models', () => {
  it('BIM beats random ±ε sign noise by a wide margin on the surrogate, and is no worse on the target', async () => {
    expect(attacked.length).toBeGreaterThanOrEqual(30)
    const { x, y } = batchTensors(data.test, attacked)
    const labels = await y.data()
    const errorRate = async (model: Classifier, adv: tf.Tensor4D) =>
      (await predictTensor(model, adv)).reduce((n, p, i) => n + (p !== labels[i] ? 1 : 0), 0) /
      labels.length
    const noise = tf.tidy(() =>
      tf.clipByValue(
        tf.add(x, tf.mul(tf.sign(tf.randomUniform(x.shape, -1, 1, 'float32', 4)), eps)),
        0,
        1
      )
    ) as tf.Tensor4D
    const result = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ repeats: 1, steps: 20 }),
      {}
    )
    const noiseWhite = await errorRate(surrogate.model, noise)
    const noiseTarget = await errorRate(target.model, noise)
    expect(result.whiteBoxRate).toBeGreaterThan(noiseWhite + 0.5)
    // Width-4 models transfer weakly (≈ 8 % vs 6 % for noise when written), so only no-worse is asserted,
    // up to one example: the two rates sit within sampling noise of each other, and float-level changes in
    // training (the batch-norm kernels' summation order) move either by one example of the 40.
    expect(result.cells[0].successRate).toBeGreaterThanOrEqual(noiseTarget - 1 / attacked.length)
    tf.dispose([x, y, noise])
  })
})

describe('measureTransfer with stacks and repeats', () => {
  it('repeats a randomised stack over seeds and stores mean ± std; a deterministic stack runs once', async () => {
    const di = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ stack: { di: {} }, repeats: 3 }),
      { seed: 5 }
    )
    const cell = di.cells[0]
    expect(cell.repeats).toBe(3)
    expect(cell.mean).toBe(cell.successRate)
    expect(cell.std).toBeGreaterThanOrEqual(0)
    expect(cell.attacked).toBe(attacked.length)
    const again = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ stack: { di: {} }, repeats: 3 }),
      { seed: 5 }
    )
    expect(again.cells).toEqual(di.cells)
    const mi = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ stack: { mi: {} }, repeats: 3 }),
      { seed: 5 }
    )
    expect(mi.cells[0]).toMatchObject({ repeats: 1, std: 0 })
    const { mean, std } = meanAndStd([0.2, 0.4, 0.6])
    expect(mean).toBeCloseTo(0.4, 12)
    expect(std).toBeCloseTo(0.2, 12)
  })

  it('targeted mode counts a target as fooled only when it predicts (y + 1) mod C', async () => {
    const untargeted = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ repeats: 1 }),
      {}
    )
    const targeted = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ repeats: 1, targeted: true, steps: 12 }),
      {}
    )
    expect(targeted.whiteBoxRate).toBeGreaterThan(0.3)
    expect(targeted.cells[0].successRate).toBeLessThanOrEqual(untargeted.cells[0].successRate + 0.2)
  })

  it('runs LGV from member folders saved with model-io; identical copies give plain BIM', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-lgv-'))
    const dirs = [join(root, 'm1'), join(root, 'm2')]
    for (const dir of dirs)
      await saveClassifier(surrogate.model, dir, {
        name: 'member',
        dataset: 'demo',
        recipe: TrainingRecipe.parse({}),
        seed: 1,
        metrics: []
      })
    const attack = spec({ repeats: 2, stack: { lgv: { sources: [{ surrogate: 'sur', dirs }] } } })
    const members = await loadLgvMembers(attack, 'sur', surrogate.model.config)
    expect(members).toHaveLength(2)
    const lgv = await measureTransfer(surrogate, [target], data.test, attacked, attack, {
      lgvMembers: members
    })
    const bim = await measureTransfer(
      surrogate,
      [target],
      data.test,
      attacked,
      spec({ repeats: 1 }),
      {}
    )
    expect(lgv.cells[0].successRate).toBe(bim.cells[0].successRate)
    expect(lgv.cells[0].repeats).toBe(2)
    members.forEach((m) => m.params.dispose())
    await expect(
      loadLgvMembers(attack, 'sur', { ...surrogate.model.config, numClasses: 3 })
    ).rejects.toThrow(/attack\.stack\.lgv: member .* 10 classes/)
  })

  it('checks the plan before training: GN/SGM need skips, LGV needs member folders per surrogate', () => {
    const cnn = ModelSpec.parse({ name: 'cnn', arch: 'small-cnn' })
    const res = ModelSpec.parse({ name: 'res', arch: 'small-resnet' })
    expect(() => checkAttackPlan(spec({ stack: { sgm: {} } }), [res, cnn])).toThrow(
      /attack\.stack\.sgm: SGM .*surrogate "cnn" is a small-cnn, which has none/
    )
    expect(() => checkAttackPlan(spec({ stack: { gn: {} } }), [res])).not.toThrow()
    expect(() => checkAttackPlan(spec({ stack: { lgv: {} } }), [res])).toThrow(
      /attack\.stack\.lgv\.sources: no LGV member folders for surrogate "res"/
    )
  })
})
