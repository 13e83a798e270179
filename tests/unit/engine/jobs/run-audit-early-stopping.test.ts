import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import type { EpochMetrics } from '../../../../main/contract/job-events'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { range } from '../../../../main/engine/data/dataset'
import { loadDataset } from '../../../../main/engine/data/load-dataset'
import { predictSplit } from '../../../../main/engine/evaluation/predict'
import { commonlyCorrect } from '../../../../main/engine/evaluation/transfer-evaluation'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { loadClassifier } from '../../../../main/engine/models/model-io'
import { FMNIST_ONNX_PREP, onnxFixture } from '../targets/target-fixtures'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

const recipe = (epochs: number) => ({ epochs, batchSize: 50, lr: 0.05 })

describe('runAudit with validation and early stopping (tiny models)', () => {
  it('scores every surrogate epoch on validation targets only, restores the best epoch and tracks sharpness', async () => {
    const spec = AuditSpec.parse({
      name: 'tiny-es',
      seed: 4,
      dataset: { trainLimit: 400, testLimit: 60, validationSize: 100 },
      surrogates: [
        {
          name: 'sur',
          arch: 'small-cnn',
          width: 4,
          recipe: recipe(3),
          earlyStopping: true,
          track: { sharpness: { examples: 64, iterations: 3, hutchinsonSamples: 2 } }
        }
      ],
      targets: [{ name: 'test-t', arch: 'small-cnn', width: 4, seed: 2, recipe: recipe(2) }],
      validation: {
        targets: [{ name: 'val-t', arch: 'small-cnn', width: 4, seed: 3, recipe: recipe(2) }],
        examples: 30
      },
      attack: { eps: 32 / 255, steps: 4, maxExamples: 30, repeats: 1 }
    })
    const { ctx, events, runDir } = await auditContext(spec)
    const record = await runAudit(spec, ctx)

    const epochs = events.flatMap((e) =>
      e.kind === 'epoch' && e.model === 'sur' ? [e.metrics] : []
    )
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2, 3])
    // The validation targets train before the surrogate, so its first epoch can be scored.
    const trainOrder = events.flatMap((e) =>
      e.kind === 'epoch' && e.metrics.epoch === 1 ? [e.model] : []
    )
    expect(trainOrder).toEqual(['val-t', 'sur', 'test-t'])

    // Validation images: those the validation target (not the test target) classifies correctly.
    const dataset = await loadDataset(spec.dataset, spec.seed)
    const { model: valModel } = await loadClassifier(join(runDir, 'models', 'val-t'))
    const candidates = range(dataset.validation!.count)
    const expectedAttacked = Math.min(
      30,
      commonlyCorrect(dataset.validation!, candidates, [
        await predictSplit(valModel, dataset.validation!, candidates)
      ]).length
    )
    valModel.params.dispose()
    expect(expectedAttacked).toBeGreaterThan(0)
    for (const m of epochs) {
      const v = m.validationTransfer!
      expect(v.attacked).toBe(expectedAttacked)
      expect(v.rate).toBeCloseTo(v.fooled / v.attacked, 12)
      expect(
        Number.isFinite(m.sharpness!.maxEigenvalue) && Number.isFinite(m.sharpness!.trace)
      ).toBe(true)
    }
    expect(record.results?.validation).toEqual({
      targets: [{ name: 'val-t', arch: 'small-cnn', hash: expect.any(String) }],
      attacked: expectedAttacked
    })

    // The chosen epoch is the argmax of validation transfer (earliest on ties), and the surrogate is that checkpoint.
    const best = epochs.reduce((a: EpochMetrics, b) =>
      b.validationTransfer!.rate > a.validationTransfer!.rate ? b : a
    )
    const sur = record.results!.models.find((m) => m.name === 'sur')!
    expect(sur.chosenEpoch?.epoch).toBe(best.epoch)
    expect(sur.chosenEpoch?.reason).toBe(
      `best validation transfer ${(best.validationTransfer!.rate * 100).toFixed(1)} % (${best.validationTransfer!.fooled}/${expectedAttacked}) of 3 epochs`
    )
    const checkpoint = await loadClassifier(
      join(runDir, 'models', 'sur', 'checkpoints', `epoch-00${best.epoch}`)
    )
    checkpoint.model.params.dispose()
    expect(sur.hash).toBe(checkpoint.manifest.sha256)
    expect(sur.epochs.map((e) => e.validationTransfer)).toEqual(
      epochs.map((e) => e.validationTransfer)
    )

    // Validation targets never enter the reported (test) numbers.
    expect(record.results!.models.map((m) => m.name)).toEqual(['sur', 'test-t'])
    expect(record.results!.transfer.map((c) => c.target)).toEqual(['test-t'])
    expect(
      record
        .results!.models.find((m) => m.name === 'test-t')
        ?.epochs.every((e) => e.validationTransfer === undefined)
    ).toBe(true)
  }, 240_000)

  it('tracks validation transfer on an imported validation target without changing the surrogate', async () => {
    const spec = AuditSpec.parse({
      name: 'tiny-track',
      dataset: { trainLimit: 300, testLimit: 40, validationSize: 60 },
      surrogates: [
        { name: 'sur', arch: 'small-cnn', width: 4, recipe: recipe(2), track: { transfer: true } }
      ],
      targets: [{ name: 'test-t', arch: 'small-cnn', width: 4, seed: 2, recipe: recipe(1) }],
      validation: {
        importedTargets: [
          {
            name: 'val-onnx',
            format: 'onnx',
            path: onnxFixture('fmnist-cnn'),
            preprocessing: FMNIST_ONNX_PREP
          }
        ],
        examples: 20
      },
      attack: { eps: 32 / 255, steps: 3, maxExamples: 20, repeats: 1 }
    })
    const { ctx, events, runDir } = await auditContext(spec)
    const record = await runAudit(spec, ctx)
    const epochs = events.flatMap((e) =>
      e.kind === 'epoch' && e.model === 'sur' ? [e.metrics] : []
    )
    expect(epochs).toHaveLength(2)
    for (const m of epochs) {
      expect(m.validationTransfer!.attacked).toBe(20)
      expect(m.sharpness).toBeUndefined()
    }
    const sur = record.results!.models.find((m) => m.name === 'sur')!
    expect(sur.chosenEpoch).toBeUndefined()
    // Tracking leaves the surrogate as trained: the last epoch's weights.
    const last = await loadClassifier(join(runDir, 'models', 'sur', 'checkpoints', 'epoch-002'))
    last.model.params.dispose()
    expect(sur.hash).toBe(last.manifest.sha256)
    expect(record.results!.validation?.targets.map((t) => [t.name, t.arch])).toEqual([
      ['val-onnx', 'onnx']
    ])
    expect(record.results!.models.map((m) => m.name)).toEqual(['sur', 'test-t'])
  }, 240_000)
})
