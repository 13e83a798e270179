import { writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { studyPreset } from '../../../main/contract/study-presets'
import { recordingService } from '../helpers/recording-service'
import { storedStudy } from '../helpers/stored-study'

async function makeService() {
  const made = await recordingService()
  const demo = (await made.service.handle(Channels.DemoSpec, undefined)) as Record<string, unknown>
  return { ...made, demo }
}

describe('where the service runs an audit', () => {
  it("uses the spec's workers, else one per core, and tells the page the machine's cores", async () => {
    const { service, engine, demo } = await makeService()
    const info = (await service.handle(Channels.AppInfo, undefined)) as { cores: number }
    expect(info.cores).toBe(availableParallelism())
    await service.handle(Channels.StartAudit, demo)
    expect(engine.started[0].execution).toEqual({ workers: availableParallelism() })
    engine.emit({
      jobId: engine.started[0].jobId,
      kind: 'completed',
      runId: engine.started[0].runId
    })
    await service.handle(Channels.StartAudit, { ...demo, workers: 3 })
    expect(engine.started[1].execution).toEqual({ workers: 3 })
  })

  it('sends every audit to the saved Redis queue, and refuses a queue that is not a Redis URL', async () => {
    const { service, engine, demo } = await makeService()
    await expect(
      service.handle(Channels.SaveSettings, { queue: 'queue.lan:6379' })
    ).rejects.toThrow(/queue: the queue is a Redis URL/)
    await expect(service.handle(Channels.SaveSettings, { queu: 'redis://x' })).rejects.toThrow(
      /queu/
    )
    expect(
      await service.handle(Channels.SaveSettings, { queue: 'redis://:pw@queue.lan:6379' })
    ).toEqual({ queue: 'redis://:pw@queue.lan:6379' })
    expect(await service.handle(Channels.GetSettings, undefined)).toEqual({
      queue: 'redis://:pw@queue.lan:6379'
    })
    await service.handle(Channels.StartAudit, { ...demo, workers: 3 })
    expect(engine.started[0].execution).toEqual({ queue: 'redis://:pw@queue.lan:6379' })
  })

  it('sends a study, started or resumed, to the saved Redis queue like an audit; without one, its workers', async () => {
    const { service, engine } = await makeService()
    await service.handle(Channels.StartStudy, { ...(studyPreset('quick') as object), workers: 3 })
    expect(engine.started[0]).toMatchObject({ type: 'start-study', execution: { workers: 3 } })
    engine.emit({
      jobId: engine.started[0].jobId,
      kind: 'cancelled',
      runId: engine.started[0].runId
    })
    await service.handle(Channels.SaveSettings, { queue: 'redis://queue.lan:6379' })
    const { studyId } = (await service.handle(Channels.StartStudy, studyPreset('quick'))) as {
      studyId: string
    }
    expect(engine.started[1].execution).toEqual({ queue: 'redis://queue.lan:6379' })
    engine.emit({ jobId: engine.started[1].jobId, kind: 'cancelled', runId: studyId })
    await service.studyStore.save(storedStudy(studyId, 'cancelled'))
    await service.handle(Channels.ResumeStudy, { studyId })
    expect(engine.started[2]).toMatchObject({
      type: 'start-study',
      resume: true,
      execution: { queue: 'redis://queue.lan:6379' }
    })
  })

  it('names a settings file it cannot read, and starts nothing', async () => {
    const { service, engine, root, demo } = await makeService()
    await writeFile(join(root, 'settings.json'), '{"queue": 42}')
    await expect(service.handle(Channels.StartAudit, demo)).rejects.toThrow(
      /settings\.json is not a valid settings file .*fix or delete it/
    )
    expect(engine.started).toHaveLength(0)
  })
})
