import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { createFlatlineService, type ServiceOptions } from '../../../main/service/flatline-service'
import { RecordingEngine } from '../helpers/fake-engine'

async function makeService(extra: Partial<ServiceOptions> = {}) {
  const engine = new RecordingEngine()
  const root = await mkdtemp(join(tmpdir(), 'flatline-svc-ds-'))
  const service = await createFlatlineService({
    workspaceRoot: root,
    engine,
    shell: 'browser',
    appVersion: '1',
    exportPdf: async () => null,
    ...extra
  })
  return { engine, service }
}

describe('dataset channels of the service', () => {
  it('hands detect and inspect to the engine as queries, with the dataset defaults filled in', async () => {
    const { engine, service } = await makeService()
    engine.answer = async (query) => ({ answered: query.kind })
    expect(await service.handle(Channels.DetectDataset, { path: '/data/mnist' })).toEqual({
      answered: 'detect-dataset'
    })
    expect(
      await service.handle(Channels.InspectDataset, {
        dataset: { source: 'image-folder', path: '/data/pets', imageSize: 32 }
      })
    ).toEqual({
      answered: 'inspect-dataset'
    })
    expect(engine.queries[0]).toEqual({ kind: 'detect-dataset', path: '/data/mnist' })
    expect(engine.queries[1]).toMatchObject({
      kind: 'inspect-dataset',
      dataset: {
        source: 'image-folder',
        path: '/data/pets',
        imageSize: 32,
        trainLimit: 0,
        testLimit: 0,
        validationSize: 0
      }
    })
  })

  it('refuses a bad inspect request before the engine sees it', async () => {
    const { engine, service } = await makeService()
    await expect(
      service.handle(Channels.InspectDataset, { dataset: { source: 'image-folder', imageSize: 4 } })
    ).rejects.toThrow(/imageSize must be at least 8/)
    await expect(service.handle(Channels.DetectDataset, { path: '' })).rejects.toThrow(
      /give the folder/
    )
    expect(engine.queries).toHaveLength(0)
  })

  it('picks a folder through the shell when it has a dialog, and answers null in browser mode', async () => {
    const titles: string[] = []
    const { service } = await makeService({
      pickFolder: async (title) => (titles.push(title), '/home/me/cifar-10-batches-bin')
    })
    expect(await service.handle(Channels.PickFolder, { title: 'Dataset folder' })).toEqual({
      path: '/home/me/cifar-10-batches-bin'
    })
    expect(titles).toEqual(['Dataset folder'])
    const browser = await makeService()
    expect(await browser.service.handle(Channels.PickFolder, {})).toEqual({ path: null })
  })
})
