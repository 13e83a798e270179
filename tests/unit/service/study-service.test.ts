import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { studyPreset } from '../../../main/contract/study-presets'
import type { StudyRecord } from '../../../main/contract/study-record'
import { StudySpec } from '../../../main/contract/study-spec'
import { recordingService } from '../helpers/recording-service'
import { storedStudy } from '../helpers/stored-study'

describe('study requests', () => {
  it('starts a study in the engine with the parsed spec, one job at a time', async () => {
    const { service, engine } = await recordingService()
    const { jobId, studyId } = (await service.handle(
      Channels.StartStudy,
      studyPreset('quick')
    )) as { jobId: string; studyId: string }
    expect(engine.started[0]).toMatchObject({
      type: 'start-study',
      jobId,
      runId: studyId,
      appVersion: '1.2.3'
    })
    expect(engine.started[0].spec).toEqual(StudySpec.parse(studyPreset('quick')))
    await expect(service.handle(Channels.StartStudy, studyPreset('quick'))).rejects.toThrow(
      /already running/
    )
    await expect(
      service.handle(Channels.StartAudit, await service.handle(Channels.DemoSpec, undefined))
    ).rejects.toThrow(/already running/)
    expect(await service.handle(Channels.CancelJob, { jobId })).toEqual({ cancelled: true })
    expect(engine.cancelled).toEqual([jobId])
  })

  it('refuses a bad study with the field named, and starts nothing', async () => {
    const { service, engine } = await recordingService()
    await expect(
      service.handle(Channels.StartStudy, { ...(studyPreset('quick') as object), seeds: [3] })
    ).rejects.toThrow(
      /seeds: a verdict compares mean ± 2 std over seeds, which needs at least 2 seeds/
    )
    await expect(
      service.handle(Channels.StartStudy, { ...(studyPreset('quick') as object), sedes: [1, 2] })
    ).rejects.toThrow(/sedes/)
    expect(engine.started).toHaveLength(0)
  })

  it('lists, reads and reports stored studies; a running one without an engine is interrupted and resumes', async () => {
    const { service, engine } = await recordingService()
    await service.studyStore.save(storedStudy('20260101-000000-quick-study-0001', 'running'))
    await service.studyStore.save(storedStudy('20260101-000000-quick-study-0002', 'completed'))
    const list = (await service.handle(Channels.ListStudies, undefined)) as {
      id: string
      status: string
    }[]
    expect(list.map((s) => s.status).sort()).toEqual(['completed', 'interrupted'])
    const got = (await service.handle(Channels.GetStudy, {
      studyId: '20260101-000000-quick-study-0001'
    })) as StudyRecord
    expect(got.status).toBe('interrupted')
    const { html } = (await service.handle(Channels.StudyReportHtml, {
      studyId: '20260101-000000-quick-study-0001'
    })) as { html: string }
    expect(html).toContain('Study report — quick study')
    await expect(
      service.handle(Channels.ResumeStudy, { studyId: '20260101-000000-quick-study-0002' })
    ).rejects.toThrow(/is completed: there is nothing to resume/)
    await expect(service.handle(Channels.GetStudy, { studyId: 'nope' })).rejects.toThrow(
      /there is no study "nope"/
    )
    const resumed = (await service.handle(Channels.ResumeStudy, {
      studyId: '20260101-000000-quick-study-0001'
    })) as { jobId: string }
    expect(engine.started[0]).toMatchObject({
      type: 'start-study',
      jobId: resumed.jobId,
      runId: '20260101-000000-quick-study-0001',
      resume: true
    })
  })
})
