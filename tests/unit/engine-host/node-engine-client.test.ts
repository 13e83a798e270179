import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import type { JobEvent } from '../../../main/contract/job-events'
import { NodeEngineClient } from '../../../main/engine-host/node-engine-client'
import { createFlatlineService } from '../../../main/service/flatline-service'
import tinySpec from '../../fixtures/tiny-audit.json'

let engine: NodeEngineClient | undefined
afterEach(() => engine?.dispose())

function waitFor(
  service: { onEvent(l: (e: JobEvent) => void): () => void },
  match: (e: JobEvent) => boolean
): Promise<JobEvent> {
  return new Promise((resolve) => {
    const stop = service.onEvent((e) => {
      if (match(e)) {
        stop()
        resolve(e)
      }
    })
  })
}

describe('NodeEngineClient (real engine in a child process)', () => {
  // Two engine processes, each running the audit on one worker process per core (the service's default): longer than 2 min on a loaded machine.
  it('runs an audit off the calling process and a SIGKILL mid-run leaves a readable, interrupted run that resumes to completion', async () => {
    engine = new NodeEngineClient()
    const root = await mkdtemp(join(tmpdir(), 'flatline-kill-'))
    const service = await createFlatlineService({
      workspaceRoot: root,
      engine,
      shell: 'browser',
      appVersion: 't',
      exportPdf: async () => null
    })
    expect(await engine.ready()).toMatch(/wasm|cpu|tfjs-node/)
    const firstEpoch = waitFor(service, (e) => e.kind === 'epoch')
    const { runId } = (await service.handle(Channels.StartAudit, tinySpec)) as { runId: string }
    await firstEpoch
    const failed = waitFor(service, (e) => e.kind === 'failed')
    engine.dispose('SIGKILL')
    const event = await failed
    expect(event.kind === 'failed' && event.message).toMatch(/engine process stopped/)
    const runs = (await service.handle(Channels.ListRuns, undefined)) as {
      id: string
      status: string
    }[]
    expect(runs).toEqual([expect.objectContaining({ id: runId, status: 'interrupted' })])
    const record = (await service.handle(Channels.GetRun, { runId })) as {
      status: string
      spec: { name: string }
    }
    expect(record.spec.name).toBe('tiny audit')
    // Resume: a new engine process continues the run under its own id from its saved epochs.
    const done = waitFor(service, (e) => e.kind === 'completed' || e.kind === 'failed')
    expect(await service.handle(Channels.ResumeRun, { runId })).toMatchObject({ runId })
    expect(await done).toMatchObject({ kind: 'completed', runId })
    expect(await service.handle(Channels.GetRun, { runId })).toMatchObject({
      status: 'completed',
      resumed: { count: 1 }
    })
  }, 240_000)

  it('answers a query from the real engine, and a failing query with its message', async () => {
    engine = new NodeEngineClient()
    const request = {
      arch: 'small-cnn',
      width: 4,
      inputShape: [16, 16, 1],
      numClasses: 3,
      batchSize: 8,
      iterations: 1
    } as const
    const estimate = await engine.query({
      kind: 'measure-throughput',
      ...request,
      inputShape: [16, 16, 1]
    })
    expect(estimate.trainImagesPerSecond).toBeGreaterThan(0)
    expect(estimate.gradientsPerSecond).toBeGreaterThan(0)
    expect(estimate.backend).toMatch(/wasm|cpu|tfjs-node/)
    await expect(
      engine.query({
        kind: 'measure-throughput',
        ...request,
        inputShape: [16, 16, 1],
        numClasses: 0
      })
    ).rejects.toThrow()
  })

  it('checks an imported target in the real engine through the service, then adds it to the zoo', async () => {
    engine = new NodeEngineClient()
    const root = await mkdtemp(join(tmpdir(), 'flatline-zoo-engine-'))
    const service = await createFlatlineService({
      workspaceRoot: root,
      engine,
      shell: 'browser',
      appVersion: 't',
      exportPdf: async () => null
    })
    const request = {
      format: 'onnx',
      path: 'tests/fixtures/onnx/fmnist-cnn.onnx',
      preprocessing: { mean: [0.286], std: [0.353] },
      sampleSize: 100
    }
    const check = (await service.handle(Channels.ZooCheck, request)) as {
      accuracy: number
      sampled: number
      detected: { layout: string }
    }
    expect(check).toMatchObject({ sampled: 100, detected: { layout: 'NCHW' } })
    expect(check.accuracy).toBeGreaterThan(0.3)
    await expect(
      service.handle(Channels.ZooCheck, {
        ...request,
        path: 'tests/fixtures/onnx/not-classifier.onnx'
      })
    ).rejects.toThrow(/not-classifier\.onnx: not a classifier/)
    await service.handle(Channels.ZooAdd, { ...request, name: 'in-house' })
    const listing = (await service.handle(Channels.ZooList, undefined)) as {
      targets: { name: string; path: string }[]
    }
    expect(listing.targets).toEqual([
      expect.objectContaining({
        name: 'in-house',
        path: join(root, 'zoo', 'targets', 'in-house', 'fmnist-cnn.onnx')
      })
    ])
  })

  it('rejects pending queries when the engine process dies', async () => {
    engine = new NodeEngineClient()
    await engine.ready()
    const pending = engine.query({
      kind: 'measure-throughput',
      arch: 'small-cnn',
      width: 4,
      inputShape: [16, 16, 1],
      numClasses: 3,
      batchSize: 8
    })
    engine.dispose('SIGKILL')
    await expect(pending).rejects.toThrow(/engine process stopped/)
  })
})
