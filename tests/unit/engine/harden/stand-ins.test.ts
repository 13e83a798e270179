import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec, TrainingRecipe } from '../../../../main/contract/audit-spec'
import { hardenStandInsToTrain } from '../../../../main/contract/harden-stand-ins'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import { hardenModels, standInBase, standIns } from '../../../../main/engine/harden/stand-ins'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { saveClassifier } from '../../../../main/engine/models/model-io'
import { tinyConfig } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

const recipe = { epochs: 3, lr: 0.05 }
const base = {
  surrogates: [{ name: 'sur', arch: 'small-cnn', recipe }],
  targets: [{ name: 'tcnn', arch: 'small-resnet', width: 8, seed: 4, recipe }]
}

describe('stand-ins', () => {
  it('of a trained target keep its arch, width, seed and recipe; its SGD stand-in is the target itself', () => {
    const spec = AuditSpec.parse({ ...base, harden: { target: 'tcnn' } })
    const list = standIns(
      {
        target: { name: 'tcnn', arch: 'small-resnet', width: 8, source: 'trained target' },
        arch: 'small-resnet',
        width: 8,
        seed: 4,
        recipe: spec.targets[0].recipe
      },
      spec.harden!
    )
    expect(
      list.map((s) => [
        s.recipe,
        s.spec.arch,
        s.spec.width,
        s.spec.seed,
        s.spec.recipe.minimizer.id,
        Boolean(s.spec.recipe.adversarial)
      ])
    ).toEqual([
      ['sgd', 'small-resnet', 8, 4, 'sgd', false],
      ['sam-0.05', 'small-resnet', 8, 4, 'sam', false],
      ['sam-0.1', 'small-resnet', 8, 4, 'sam', false],
      ['pgd-at', 'small-resnet', 8, 4, 'sgd', true],
      ['sam-at', 'small-resnet', 8, 4, 'sam', true]
    ])
    expect(list[0].sameAs).toBe('tcnn')
    expect(hardenModels(spec, spec.harden!)[0]).toMatchObject({
      trainTask: 'train-tcnn',
      folder: 'models/tcnn',
      reusedTarget: 'tcnn'
    })
    // The form's time estimate adds the four stand-ins that train.
    expect(
      hardenStandInsToTrain({ ...base, harden: { target: 'tcnn' } }).map((s) => s.spec.name)
    ).toEqual(['harden-sam-0.05', 'harden-sam-0.1', 'harden-pgd-at', 'harden-sam-at'])
    expect(hardenStandInsToTrain({ ...base, harden: { arch: 'mlp' } })).toEqual([])
  })

  it('of a model Flatline trained take its architecture, width, seed and recipe from its manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatline-standin-'))
    const model = buildClassifier(tinyConfig('small-cnn', 6), new Rng(1))
    const savedRecipe = TrainingRecipe.parse({ epochs: 2, lr: 0.01 })
    await saveClassifier(model, dir, {
      name: 'v1',
      dataset: 'fashion-mnist',
      recipe: savedRecipe,
      seed: 9,
      metrics: []
    })
    model.params.dispose()
    const spec = AuditSpec.parse({
      ...base,
      importedTargets: [{ name: 'v1', format: 'flatline', path: dir }],
      harden: { target: 'v1' }
    })
    const found = await standInBase(spec, spec.harden!)
    expect(found).toMatchObject({
      target: { name: 'v1', source: 'flatline file', arch: 'small-cnn', width: 6 },
      seed: 9,
      recipe: { epochs: 2, lr: 0.01 }
    })
    const broken = AuditSpec.parse({
      ...base,
      importedTargets: [{ name: 'v1', format: 'flatline', path: join(dir, 'missing') }],
      harden: { target: 'v1' }
    })
    await expect(standInBase(broken, broken.harden!)).rejects.toThrow(
      /is not a readable Flatline model manifest/
    )
  })
})
