import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { AuditSpec } from '../../../main/contract/audit-spec'
import type { RunRecord } from '../../../main/contract/run-record'
import { recordingService } from '../helpers/recording-service'

async function makeService() {
  const { engine, service } = await recordingService()
  const spec = AuditSpec.parse(await service.handle(Channels.DemoSpec, undefined))
  const write = (id: string, status: RunRecord['status']) =>
    service.runStore.create({
      id,
      name: 'demo',
      status,
      createdAt: '2026-11-20T10:00:00.000Z',
      spec,
      seed: 0,
      backend: 'test',
      versions: {},
      dataset: { name: 'fmnist', train: 10, test: 10, shape: [28, 28, 1] },
      timings: {}
    })
  return { engine, service, spec, write }
}

describe('ResumeRun channel', () => {
  it('validates the run id and refuses unknown and completed runs, starting nothing', async () => {
    const { service, engine, write } = await makeService()
    await expect(service.handle(Channels.ResumeRun, { runId: '../x' })).rejects.toThrow(
      /Invalid request "audit:resume":[\s\S]*runId/
    )
    await expect(service.handle(Channels.ResumeRun, {})).rejects.toThrow(/runId/)
    await expect(service.handle(Channels.ResumeRun, { runId: 'nope' })).rejects.toThrow(
      /Cannot resume run "nope": run "nope" not found/
    )
    await write('done', 'completed')
    await expect(service.handle(Channels.ResumeRun, { runId: 'done' })).rejects.toThrow(
      /"done" is completed: there is nothing to resume/
    )
    expect(engine.started).toHaveLength(0)
  })

  it('resumes a cancelled run with its stored spec under a new job id, one audit at a time', async () => {
    const { service, engine, spec, write } = await makeService()
    await write('cut', 'cancelled')
    await write('other', 'failed')
    const { jobId, runId } = (await service.handle(Channels.ResumeRun, { runId: 'cut' })) as {
      jobId: string
      runId: string
    }
    expect(runId).toBe('cut')
    expect(jobId).toBe('job-cut-r1')
    expect(engine.started).toEqual([
      expect.objectContaining({ type: 'start', jobId, runId: 'cut', spec, resume: true })
    ])
    await expect(service.handle(Channels.ResumeRun, { runId: 'cut' })).rejects.toThrow(
      /"cut" is still running: wait for it to finish, or cancel it/
    )
    await expect(service.handle(Channels.ResumeRun, { runId: 'other' })).rejects.toThrow(
      /already running/
    )
    await expect(service.handle(Channels.StartAudit, spec)).rejects.toThrow(/already running/)
    engine.emit({ jobId, kind: 'failed', runId: 'cut', message: 'boom' })
    await service.handle(Channels.ResumeRun, { runId: 'other' })
    expect(engine.started).toHaveLength(2)
  })

  it('resumes an interrupted run (record left running with no engine behind it)', async () => {
    const { service, engine, write } = await makeService()
    await write('crashed', 'running')
    await service.handle(Channels.ResumeRun, { runId: 'crashed' })
    expect(engine.started[0]).toMatchObject({ runId: 'crashed', resume: true })
  })
})
