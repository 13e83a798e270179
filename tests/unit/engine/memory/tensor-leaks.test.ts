import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec, TrainingRecipe } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { trainClassifier } from '../../../../main/engine/training/train-classifier'
import { RunStore } from '../../../../main/engine/workspace/run-store'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

// The engine lives for the app's whole session: a tensor left behind per epoch or per audit is a
// leak that grows until the engine process runs out of memory on a long audit.
describe('tensors the engine holds', () => {
  it('stay the same in number from epoch to epoch (SGD and SAM, batch norm, momentum)', async () => {
    const data = await tinyDataset(160, 20)
    for (const minimizer of [{ id: 'sgd' }, { id: 'sam', rho: 0.05 }]) {
      const model = buildClassifier(tinyConfig('small-resnet'), new Rng(1))
      const counts: number[] = []
      await trainClassifier(model, {
        name: minimizer.id,
        recipe: TrainingRecipe.parse({ epochs: 3, batchSize: 32, lr: 0.05, minimizer }),
        train: data.train,
        test: data.test,
        flipPreservesLabel: true,
        rng: new Rng(2),
        onEpoch: () => void counts.push(tf.memory().numTensors)
      })
      expect(counts[1], `${minimizer.id}: epoch 2 vs 1`).toBe(counts[0])
      expect(counts[2], `${minimizer.id}: epoch 3 vs 2`).toBe(counts[1])
      model.params.dispose()
    }
  })

  it('are back to their number after each of two audits in one engine process', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-leaks-'))
    const recipe = { epochs: 1, batchSize: 50, lr: 0.05 }
    const spec = AuditSpec.parse({
      name: 'leaks',
      dataset: { trainLimit: 100, testLimit: 40 },
      surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe }],
      targets: [{ name: 'tres', arch: 'small-resnet', width: 4, seed: 3, recipe }],
      attack: { eps: 16 / 255, steps: 3, maxExamples: 20 }
    })
    const audit = async () =>
      runAudit(spec, {
        jobId: 'job',
        runId: new RunStore(root).newRunId(spec.name),
        workspaceRoot: root,
        backend: 'test',
        appVersion: '0.0.0-test',
        signal: new AbortController().signal,
        emit: () => {}
      })
    const before = tf.memory().numTensors
    await audit()
    expect(tf.memory().numTensors, 'after the first audit').toBe(before)
    await audit()
    expect(tf.memory().numTensors, 'after the second audit').toBe(before)
  })
})
