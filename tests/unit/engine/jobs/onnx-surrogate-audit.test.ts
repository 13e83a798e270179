/**
 * An audit whose surrogates are the committed ONNX ResNet as imported and an l-SAM fine-tuned copy
 * of it: both imported and checked before training, the fine-tuned one saved in the run like any
 * trained model (reloadable, exportable back to ONNX and run by onnxruntime), both attacked with
 * GN and SGM on the graph's residual Add nodes, and both rows in the transfer results.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { loadClassifier } from '../../../../main/engine/models/model-io'
import { EVAL } from '../../../../main/engine/models/forward-context'
import type { OnnxClassifier } from '../../../../main/engine/onnx/onnx-classifier'
import { loadOnnxTarget } from '../../../../main/engine/targets/onnx-target'
import { auditContext } from '../../helpers/audit-context'

const RESNET = 'tests/fixtures/onnx-surrogates/resnet.onnx'
const PREP = { mean: [0.286], std: [0.353] }

beforeAll(async () => {
  await initBackend()
})

const spec = (attack: object) =>
  AuditSpec.parse({
    name: 'onnx surrogate',
    dataset: { trainLimit: 200, testLimit: 60 },
    surrogates: [
      { name: 'resnet-onnx', format: 'onnx', path: RESNET, preprocessing: PREP },
      {
        name: 'resnet-onnx-lsam',
        format: 'onnx',
        path: RESNET,
        preprocessing: PREP,
        fineTune: { preset: 'l-sam', epochs: 1, batchSize: 50 }
      }
    ],
    targets: [
      { name: 'target', arch: 'small-cnn', width: 4, recipe: { epochs: 1, batchSize: 50 } }
    ],
    attack
  })

async function run(s: AuditSpec) {
  const { ctx, runDir } = await auditContext(s)
  return { record: await runAudit(s, ctx), runDir }
}

describe('an audit with ONNX surrogates', () => {
  it('imports, fine-tunes with l-SAM, saves, attacks with GN and SGM and reports both surrogates', async () => {
    const { record, runDir } = await run(
      spec({ eps: 32 / 255, steps: 3, maxExamples: 10, repeats: 1, stack: { gn: {}, sgm: {} } })
    )
    expect(record.status).toBe('completed')
    const models = record.results!.models
    const imported = models.find((m) => m.name === 'resnet-onnx')!
    const tuned = models.find((m) => m.name === 'resnet-onnx-lsam')!
    expect(imported.onnx?.agreement.top1Agreement).toBe(1)
    expect(imported.epochs).toEqual([])
    expect(tuned.epochs).toHaveLength(1)
    expect(tuned.passes).toBe(2 * 4) // SAM: two passes per batch, 4 batches of 50
    expect(tuned.onnx?.fineTune).toMatch(/l-SAM/)
    expect(tuned.hash).not.toBe(imported.hash)
    expect(new Set(record.results!.transfer.map((c) => c.surrogate))).toEqual(
      new Set(['resnet-onnx', 'resnet-onnx-lsam'])
    )

    // Saved like any trained model: reloads to the same logits, and exports to an ONNX file onnxruntime runs alike.
    const { model } = await loadClassifier(join(runDir, 'models', 'resnet-onnx-lsam'))
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D
    const ours = tf.tidy(() => (model as OnnxClassifier).rawScores(x, EVAL)).dataSync()
    const exported = join(runDir, 'exported.onnx')
    await writeFile(exported, (model as OnnxClassifier).exportOnnx())
    const ort = await loadOnnxTarget(exported, {
      layout: 'NCHW',
      resize: false,
      range: [0, 1],
      output: 'logits',
      ...PREP
    })
    const theirs = await ort.scores(x)
    await ort.dispose()
    expect(Math.max(...Array.from(ours, (v, i) => Math.abs(v - theirs[i])))).toBeLessThan(1e-4)
    x.dispose()
    model.params.dispose()
  })

  it('refuses GN on a graph without residual Add nodes, naming the file', async () => {
    const s = AuditSpec.parse({
      ...spec({ eps: 32 / 255, steps: 1, maxExamples: 5, repeats: 1, stack: { gn: {} } }),
      surrogates: [
        {
          name: 'vgg',
          format: 'onnx',
          path: 'tests/fixtures/onnx-surrogates/vgg-bn.onnx',
          preprocessing: PREP
        }
      ]
    })
    await expect(run(s)).rejects.toThrow(
      /vgg-bn\.onnx: attack\.stack\.gn: GN \(ghost networks\) needs residual Add nodes, and surrogate "vgg"'s graph has none/
    )
  })
})
