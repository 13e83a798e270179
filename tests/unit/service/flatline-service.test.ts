import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { AuditSpec } from '../../../main/contract/audit-spec'
import { recordingService } from '../helpers/recording-service'

describe('createFlatlineService', () => {
  it('serves the demo spec, which is a valid audit spec', async () => {
    const { service } = await recordingService()
    const spec = await service.handle(Channels.DemoSpec, undefined)
    expect(AuditSpec.safeParse(spec).success).toBe(true)
  })

  it('answers a bad spec with the field and the reason, and starts nothing', async () => {
    const { service, engine } = await recordingService()
    const demo = (await service.handle(Channels.DemoSpec, undefined)) as Record<string, unknown>
    await expect(
      service.handle(Channels.StartAudit, { ...demo, attack: { eps: 0 } })
    ).rejects.toThrow(/attack\.eps: eps must be in \(0, 1\]/)
    await expect(
      service.handle(Channels.StartAudit, { ...demo, surrogates: [{ name: 's', arch: 'vgg-99' }] })
    ).rejects.toThrow(/surrogates\.0\.arch: unknown architecture "vgg-99"/)
    await expect(
      service.handle(Channels.StartAudit, { ...demo, attack: { techniques: {} } })
    ).rejects.toThrow('unknown key attack.techniques; did you mean attack.stack?')
    expect(engine.started).toHaveLength(0)
  })

  it('rejects unknown channels and path-traversal run ids', async () => {
    const { service } = await recordingService()
    await expect(service.handle('fs:read', {})).rejects.toThrow(/Unknown request "fs:read"/)
    await expect(service.handle(Channels.GetRun, { runId: '../../etc' })).rejects.toThrow(/runId/)
  })

  it('starts one audit at a time and routes cancel to the engine', async () => {
    const { service, engine } = await recordingService()
    const demo = await service.handle(Channels.DemoSpec, undefined)
    const { jobId, runId } = (await service.handle(Channels.StartAudit, demo)) as {
      jobId: string
      runId: string
    }
    expect(engine.started[0]).toMatchObject({ jobId, runId, appVersion: '1.2.3' })
    await expect(service.handle(Channels.StartAudit, demo)).rejects.toThrow(/already running/)
    expect(await service.handle(Channels.CancelJob, { jobId })).toEqual({ cancelled: true })
    expect(engine.cancelled).toEqual([jobId])
    engine.emit({ jobId, kind: 'cancelled', runId })
    expect(await service.handle(Channels.CancelJob, { jobId })).toEqual({ cancelled: false })
    await service.handle(Channels.StartAudit, demo)
    expect(engine.started).toHaveLength(2)
  })

  it('reports the engine backend in app info', async () => {
    const { service, root } = await recordingService()
    expect(await service.handle(Channels.AppInfo, undefined)).toEqual({
      version: '1.2.3',
      backend: 'recording',
      workspace: root,
      shell: 'browser',
      cores: availableParallelism()
    })
  })

  it('measures throughput through the engine once per request, validates it, and retries after a failure', async () => {
    const { engine, service } = await recordingService()
    const request = {
      arch: 'small-cnn',
      width: 8,
      inputShape: [28, 28, 1],
      numClasses: 10,
      batchSize: 64
    }
    let calls = 0
    engine.answer = async () => {
      calls++
      if (calls === 1) throw new Error('engine busy')
      return { trainImagesPerSecond: 500, gradientsPerSecond: 2000, seconds: 1 }
    }
    await expect(service.handle(Channels.MeasureThroughput, request)).rejects.toThrow(/engine busy/)
    const first = await service.handle(Channels.MeasureThroughput, request)
    const second = await service.handle(Channels.MeasureThroughput, request)
    expect(first).toEqual({ trainImagesPerSecond: 500, gradientsPerSecond: 2000, seconds: 1 })
    expect(second).toBe(first)
    expect(engine.queries).toHaveLength(2)
    expect(engine.queries[1]).toMatchObject({
      kind: 'measure-throughput',
      arch: 'small-cnn',
      width: 8
    })
    await expect(
      service.handle(Channels.MeasureThroughput, { ...request, arch: 'alexnet' })
    ).rejects.toThrow(/arch: unknown architecture/)
  })
})
