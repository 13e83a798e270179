import { describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { recordingService } from '../helpers/recording-service'

describe('dataset channels of the service', () => {
  it('hands detect and inspect to the engine as queries, with the dataset defaults filled in', async () => {
    const { engine, service } = await recordingService()
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
    const { engine, service } = await recordingService()
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
    const { service } = await recordingService({
      pickFolder: async (title) => (titles.push(title), '/home/me/cifar-10-batches-bin')
    })
    expect(await service.handle(Channels.PickFolder, { title: 'Dataset folder' })).toEqual({
      path: '/home/me/cifar-10-batches-bin'
    })
    expect(titles).toEqual(['Dataset folder'])
    const browser = await recordingService()
    expect(await browser.service.handle(Channels.PickFolder, {})).toEqual({ path: null })
  })
})
