import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  AuditSpec,
  type AuditSpecInput,
  type ModelSpec
} from '../../../../main/contract/audit-spec'
import type { JobEvent } from '../../../../main/contract/job-events'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { range } from '../../../../main/engine/data/dataset'
import { loadDataset } from '../../../../main/engine/data/load-dataset'
import { accuracyOf, predictSplit } from '../../../../main/engine/evaluation/predict'
import { TargetPreprocessing } from '../../../../main/engine/targets/target-preprocessing'
import { loadOnnxTarget } from '../../../../main/engine/targets/onnx-target'
import { FMNIST_ONNX_PREP, onnxFixture, tfjsFixture } from '../targets/target-fixtures'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { loadClassifier } from '../../../../main/engine/models/model-io'
import { RunStore } from '../../../../main/engine/workspace/run-store'

beforeAll(async () => {
  await initBackend()
})

const tinyRecipe = { epochs: 2, batchSize: 50, lr: 0.05 }
const tinySpec = (overrides: Partial<AuditSpecInput> = {}): AuditSpec =>
  AuditSpec.parse({
    name: 'tiny',
    dataset: { trainLimit: 300, testLimit: 100 },
    surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe: tinyRecipe }],
    targets: [
      { name: 'tcnn', arch: 'small-cnn', width: 6, seed: 2, recipe: tinyRecipe },
      { name: 'tres', arch: 'small-resnet', width: 4, seed: 3, recipe: tinyRecipe }
    ],
    attack: { eps: 32 / 255, steps: 5, maxExamples: 40 },
    ...overrides
  })

async function run(spec: AuditSpec, root: string, signalAfter?: (e: JobEvent) => boolean) {
  const events: JobEvent[] = []
  const controller = new AbortController()
  const runId = new RunStore(root).newRunId(spec.name)
  const result = await runAudit(spec, {
    jobId: 'job-1',
    runId,
    workspaceRoot: root,
    backend: 'test',
    appVersion: '0.0.0-test',
    signal: controller.signal,
    emit: (e) => {
      events.push(e)
      if (signalAfter?.(e)) controller.abort()
    }
  }).catch((error: unknown) => error)
  return { events, result, runId }
}

describe('runAudit (real engine, tiny models)', () => {
  it('trains, attacks and stores a completed run with denominators and hashed models', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
    const before = tf.memory().numTensors
    const { events, runId } = await run(tinySpec(), root)
    expect(tf.memory().numTensors).toBe(before)
    expect(events[0].kind).toBe('started')
    expect(events.at(-1)).toEqual({ jobId: 'job-1', kind: 'completed', runId })
    expect(events.filter((e) => e.kind === 'epoch')).toHaveLength(6)
    expect(
      events.filter((e) => e.kind === 'task-done').map((e) => e.kind === 'task-done' && e.taskId)
    ).toEqual(['train-sur', 'train-tcnn', 'train-tres', 'evaluate', 'attack-sur'])
    const record = await new RunStore(root).get(runId)
    expect(record.status).toBe('completed')
    const results = record.results!
    expect(results.transfer.map((c) => `${c.surrogate}->${c.target}`)).toEqual([
      'sur->tcnn',
      'sur->tres'
    ])
    for (const cell of results.transfer) {
      expect(cell.attacked).toBe(results.evaluated.attacked)
      expect(cell.successRate).toBeCloseTo(cell.fooled / cell.attacked, 10)
    }
    expect(results.evaluated.attacked).toBe(Math.min(40, results.evaluated.allCorrect))
    expect(results.evaluated.candidates).toBe(100)
    expect(results.models.map((m) => m.role)).toEqual(['surrogate', 'target', 'target'])
    // The stored model is the one the run used: its hash matches and it loads.
    const { manifest, model } = await loadClassifier(
      join(new RunStore(root).runDir(runId), 'models', 'tres')
    )
    expect(manifest.sha256).toBe(results.models[2].hash)
    expect(
      await readdir(join(new RunStore(root).runDir(runId), 'models', 'tres', 'checkpoints'))
    ).toEqual(['epoch-001', 'epoch-002'])
    model.params.dispose()
  })

  it('trains a surrogate with the minimizer its recipe names and records its forward-backward passes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
    const recipe = { epochs: 1, batchSize: 50, lr: 0.05 }
    const spec = tinySpec({
      name: 'sam',
      dataset: { trainLimit: 100, testLimit: 40 },
      surrogates: [
        {
          name: 'lsam',
          arch: 'small-cnn',
          width: 4,
          recipe: { ...recipe, minimizer: { id: 'sam', rho: 0.3 } }
        }
      ],
      targets: [{ name: 't', arch: 'small-cnn', width: 4, seed: 2, recipe }],
      attack: { eps: 32 / 255, steps: 2, maxExamples: 10 }
    })
    const { events, runId } = await run(spec, root)
    expect(events.at(-1)?.kind).toBe('completed')
    const models = (await new RunStore(root).get(runId)).results!.models
    expect(models.map((m) => [m.name, m.passes, m.epochs[0].passes])).toEqual([
      ['lsam', 4, 4],
      ['t', 2, 2]
    ])
  })

  it('a cancel mid-epoch ends the run as cancelled and keeps earlier runs intact', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
    const first = await run(
      tinySpec({
        name: 'first',
        targets: [{ name: 't', arch: 'small-cnn', width: 4, recipe: { ...tinyRecipe, epochs: 1 } }]
      }),
      root
    )
    expect(first.events.at(-1)?.kind).toBe('completed')
    let progress = 0
    const second = await run(
      tinySpec({ name: 'second' }),
      root,
      (e) => e.kind === 'task-progress' && ++progress === 2
    )
    expect(second.events.at(-1)).toEqual({ jobId: 'job-1', kind: 'cancelled', runId: second.runId })
    const store = new RunStore(root)
    expect((await store.get(second.runId)).status).toBe('cancelled')
    expect((await store.get(first.runId)).status).toBe('completed')
    expect((await store.list(new Set())).map((r) => r.status).sort()).toEqual([
      'cancelled',
      'completed'
    ])
  })

  it('fails with the file named when the dataset folder holds a corrupt idx file, writing no run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
    const data = await mkdtemp(join(tmpdir(), 'flatline-idx-'))
    for (const name of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte'
    ])
      await writeFile(join(data, name), Buffer.from([0, 0, 8, 3, 0, 0]))
    const { events } = await run(tinySpec({ dataset: { source: 'idx-folder', path: data } }), root)
    const last = events.at(-1)!
    expect(last.kind).toBe('failed')
    expect(last.kind === 'failed' && last.message).toContain(data)
    expect(existsSync(join(root, 'runs')) ? await readdir(join(root, 'runs')) : []).toEqual([])
  })

  it('stops training at a NaN loss, says where, keeps the last good checkpoint as the model, and audits on', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
    const spec = tinySpec({
      surrogates: [
        { name: 'sur', arch: 'small-cnn', width: 4, recipe: { ...tinyRecipe, epochs: 10 } }
      ]
    })
    // The largest LR and weight decay the schema allows, no momentum: each step maps w to −9w − 10g,
    // so the head's logits grow ~81× per step and overflow float32 after about 20 steps (epoch 4).
    const recipe = (spec.surrogates[0] as ModelSpec).recipe
    Object.assign(recipe, {
      lr: 10,
      weightDecay: 1,
      momentum: 0,
      lrSchedule: { kind: 'step', every: 100, gamma: 1 }
    })
    const { events, runId } = await run(spec, root)
    expect(events.at(-1)!.kind).toBe('completed')
    const record = await new RunStore(root).get(runId)
    expect(record.status).toBe('completed')
    const sur = record.results!.models.find((m) => m.name === 'sur')!
    const [, epoch] = /"sur".*NaN\/infinite at epoch (\d+), step \d+/.exec(sur.stopped ?? '') ?? []
    expect(Number(epoch)).toBeGreaterThan(1)
    expect(sur.stopped).toContain(`last good checkpoint (epoch ${Number(epoch) - 1}) is kept`)
    expect(sur.epochs).toHaveLength(Number(epoch) - 1)
    expect(
      record.warnings?.find((w) => w.model === 'sur' && w.kind === 'non-finite-loss')?.message
    ).toBe(`surrogate sur: ${sur.stopped}`)
    expect(record.results!.transfer.map((c) => c.surrogate)).toEqual(['sur', 'sur'])
    const modelDir = join(new RunStore(root).runDir(runId), 'models', 'sur')
    const kept = await readdir(join(modelDir, 'checkpoints'))
    expect(kept).toHaveLength(Number(epoch) - 1)
    const last = await loadClassifier(join(modelDir, 'checkpoints', kept.at(-1)!))
    const saved = await loadClassifier(modelDir)
    expect(saved.manifest.sha256).toBe(last.manifest.sha256)
    last.model.params.dispose()
    saved.model.params.dispose()
  })

  it('scores imported ONNX and tfjs targets next to a trained one, with their real accuracy and the shared denominator', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
    const file = onnxFixture('fmnist-cnn')
    const spec = tinySpec({
      name: 'imported',
      dataset: { trainLimit: 200, testLimit: 100 },
      targets: [
        { name: 'tcnn', arch: 'small-cnn', width: 4, seed: 2, recipe: { ...tinyRecipe, epochs: 1 } }
      ],
      importedTargets: [
        { name: 'inhouse', format: 'onnx', path: file, preprocessing: FMNIST_ONNX_PREP },
        {
          name: 'inhouse-tfjs',
          format: 'tfjs',
          path: tfjsFixture('fmnist-layers'),
          preprocessing: { output: 'probabilities' }
        }
      ],
      attack: { eps: 32 / 255, steps: 3, maxExamples: 30, repeats: 1 }
    })
    const before = tf.memory().numTensors
    const { events, runId } = await run(spec, root)
    expect(tf.memory().numTensors).toBe(before)
    expect(events.at(-1)).toEqual({ jobId: 'job-1', kind: 'completed', runId })
    const results = (await new RunStore(root).get(runId)).results!
    expect(results.transfer.map((c) => `${c.surrogate}->${c.target}`)).toEqual([
      'sur->tcnn',
      'sur->inhouse',
      'sur->inhouse-tfjs'
    ])
    for (const cell of results.transfer) expect(cell.attacked).toBe(results.evaluated.attacked)
    const inhouse = results.models[2]
    expect(inhouse).toMatchObject({
      name: 'inhouse',
      role: 'target',
      arch: 'onnx',
      params: 0,
      epochs: [],
      trainSeconds: 0
    })
    expect(inhouse.hash).toBe(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex')
    )
    expect(results.models[3]).toMatchObject({
      name: 'inhouse-tfjs',
      role: 'target',
      arch: 'tfjs',
      params: 0
    })
    expect(results.models[3].accuracy).toBeGreaterThan(0.3)
    // The same model loaded on its own gives the recorded accuracy, well above chance (10 %).
    const { test } = await loadDataset(spec.dataset)
    const direct = await loadOnnxTarget(file, TargetPreprocessing.parse(FMNIST_ONNX_PREP))
    const predictions = await predictSplit(direct, test, range(test.count))
    await direct.dispose()
    expect(inhouse.accuracy).toBeCloseTo(accuracyOf(predictions, test, range(test.count)), 10)
    expect(inhouse.accuracy).toBeGreaterThan(0.3)
    // The denominator counts only images the imported target classifies correctly too.
    const onnxCorrect = range(test.count).filter((k) => predictions[k] === test.labels[k]).length
    expect(results.evaluated.allCorrect).toBeLessThanOrEqual(onnxCorrect)
  })

  it.each([
    [
      'seven-classes',
      /seven-classes\.onnx: the model outputs 7 class scores but the dataset has 10 classes/
    ],
    [
      'rgb-32',
      /rgb-32\.onnx: the model expects 32×32×3 images \(NCHW\) but the dataset's are 28×28×1/
    ],
    [
      'missing',
      /missing\.onnx: cannot read the imported target "inhouse"; check its path in importedTargets/
    ]
  ])(
    'fails before training when the imported %s.onnx does not fit the dataset or is missing, naming the file and writing no run',
    async (name, message) => {
      const root = await mkdtemp(join(tmpdir(), 'flatline-ws-'))
      const spec = tinySpec({
        importedTargets: [
          {
            name: 'inhouse',
            format: 'onnx',
            path: onnxFixture(name),
            preprocessing: { layout: 'NCHW' }
          }
        ]
      })
      const before = tf.memory().numTensors
      const { events } = await run(spec, root)
      expect(tf.memory().numTensors).toBe(before)
      expect(events.map((e) => e.kind)).toEqual(['failed'])
      expect(events[0].kind === 'failed' && events[0].message).toMatch(message)
      expect(existsSync(join(root, 'runs')) ? await readdir(join(root, 'runs')) : []).toEqual([])
    }
  )
})
