import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import type { JobEvent } from '../../../../main/contract/job-events'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { ResumeRefusedError, resumeAudit } from '../../../../main/engine/jobs/resume-run'
import { runAudit, type AuditContext } from '../../../../main/engine/jobs/run-audit'
import { RunStore } from '../../../../main/engine/workspace/run-store'

beforeAll(async () => {
  await initBackend()
})

const recipe = { epochs: 3, batchSize: 50, lr: 0.05 }
// A surrogate, then a target averaged by SWA from epoch 2 (minimizer state crosses the resume).
const spec = AuditSpec.parse({
  name: 'resume',
  dataset: { trainLimit: 200, testLimit: 60 },
  surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe }],
  targets: [
    {
      name: 'tgt',
      arch: 'small-cnn',
      width: 4,
      seed: 2,
      recipe: { ...recipe, minimizer: { id: 'swa', averageStart: 2 } }
    }
  ],
  attack: { eps: 32 / 255, steps: 3, maxExamples: 20 }
})

function context(root: string, runId: string, stopAfter?: (e: JobEvent) => boolean) {
  const events: JobEvent[] = []
  const controller = new AbortController()
  const ctx: AuditContext = {
    jobId: 'job-r',
    runId,
    workspaceRoot: root,
    backend: 'test',
    appVersion: '0.0.0-test',
    signal: controller.signal,
    emit: (e) => {
      events.push(e)
      if (stopAfter?.(e)) controller.abort()
    }
  }
  return { ctx, events }
}

describe('resuming a run (real engine, tiny models)', () => {
  it('continues a cancelled run to the same weights and transfer as an uninterrupted one; a corrupt newest checkpoint falls back', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-resume-'))
    const store = new RunStore(root)
    const straight = context(root, 'straight')
    const expected = await runAudit(spec, straight.ctx)
    // Training states are kept for the newest two epochs only (each is as large as the weights).
    const hasState = (run: string, epoch: number) =>
      existsSync(
        join(
          store.runDir(run),
          'models',
          'tgt',
          'checkpoints',
          `epoch-00${epoch}`,
          'training-state.json'
        )
      )
    expect([1, 2, 3].map((epoch) => hasState('straight', epoch))).toEqual([false, true, true])

    // Cancel after the target's epoch 2 checkpoint: the surrogate is done, the target half-trained.
    const cut = context(
      root,
      'cut',
      (e) => e.kind === 'epoch' && e.model === 'tgt' && e.metrics.epoch === 2
    )
    await expect(runAudit(spec, cut.ctx)).rejects.toThrow()
    const cancelled = await store.get('cut')
    expect(cancelled.status).toBe('cancelled')
    // The newest checkpoint is damaged: resume must fall back to epoch 1 and say so.
    const stateBin = join(
      store.runDir('cut'),
      'models',
      'tgt',
      'checkpoints',
      'epoch-002',
      'training-state.bin'
    )
    const bytes = await readFile(stateBin)
    bytes[0] ^= 0xff
    await writeFile(stateBin, bytes)

    const before = tf.memory().numTensors
    const resumed = context(root, 'cut')
    const record = await resumeAudit(resumed.ctx)
    expect(tf.memory().numTensors).toBe(before)
    expect(record.status).toBe('completed')
    expect(record.id).toBe('cut')
    expect(record.createdAt).toBe(cancelled.createdAt)
    expect(record.resumed?.count).toBe(1)
    expect((await store.get('cut')).resumed?.at).toHaveLength(1)
    const details = resumed.events.flatMap((e) =>
      e.kind === 'task-progress' && e.detail ? [`${e.taskId}: ${e.detail}`] : []
    )
    expect(details).toContain('train-sur: already trained: reusing the saved model')
    expect(
      details.find((d) =>
        d.startsWith('train-tgt: resuming after epoch 1/3; checkpoint epoch-002 is unreadable')
      )
    ).toBeDefined()
    // Only the target's epochs 2 and 3 were trained again.
    expect(record.results!.models.map((m) => m.hash)).toEqual(
      expected.results!.models.map((m) => m.hash)
    )
    expect(record.results!.transfer.map((c) => c.fooled)).toEqual(
      expected.results!.transfer.map((c) => c.fooled)
    )
    expect(record.results!.models[1].epochs.map((m) => m.epoch)).toEqual([1, 2, 3])
  })

  it('refuses a completed run, reporting it as the job failure and leaving the record as it was', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flatline-resume-'))
    const store = new RunStore(root)
    const dataset = { name: 'fmnist', train: 200, test: 60, shape: [28, 28, 1] }
    await store.create({
      id: 'done',
      name: 'resume',
      status: 'completed',
      createdAt: new Date().toISOString(),
      spec,
      seed: 0,
      backend: 'test',
      versions: {},
      dataset,
      timings: {}
    })
    const text = await readFile(store.recordPath('done'), 'utf8')
    const again = context(root, 'done')
    await expect(resumeAudit(again.ctx)).rejects.toBeInstanceOf(ResumeRefusedError)
    expect(again.events).toEqual([
      {
        jobId: 'job-r',
        kind: 'failed',
        runId: 'done',
        message: expect.stringMatching(/is completed: there is nothing to resume/)
      }
    ])
    expect(await readFile(store.recordPath('done'), 'utf8')).toBe(text)
  })
})
