import { readdir, rm } from 'node:fs/promises'
import { relative } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import type {
  TargetCheckRequest,
  TargetCheckResult,
  ZooListing,
  ZooTargetEntry
} from '../../../main/contract/target-zoo'
import { initBackend } from '../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../main/engine/data/dataset'
import { checkTarget } from '../../../main/engine/targets/check-target'
import { FMNIST_ONNX_PREP, onnxFixture } from '../engine/targets/target-fixtures'
import { recordingService } from '../helpers/recording-service'
import { tinyDataset } from '../helpers/tiny-data'

let data: ImageDataset
const roots: string[] = []
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 100)
})
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })))
})

/** A service whose engine answers `check-target` with the engine's own code, in-process. */
async function makeService() {
  const { engine, service, root } = await recordingService()
  roots.push(root)
  engine.answer = async (query) => {
    if (query.kind !== 'check-target') throw new Error(`unexpected query ${query.kind}`)
    return checkTarget(query as TargetCheckRequest, data)
  }
  return { engine, service, root }
}

const REQUEST = {
  format: 'onnx',
  path: relative(process.cwd(), onnxFixture('fmnist-cnn')),
  preprocessing: FMNIST_ONNX_PREP,
  sampleSize: 100
}

describe('zoo channels', () => {
  it('checks through the engine query with an absolute path and stores nothing', async () => {
    const { service, engine, root } = await makeService()
    const result = (await service.handle(Channels.ZooCheck, REQUEST)) as TargetCheckResult
    expect(result.accuracy).toBeGreaterThan(0.3)
    expect(engine.queries).toHaveLength(1)
    expect(engine.queries[0]).toMatchObject({
      kind: 'check-target',
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      sampleSize: 100,
      dataset: { source: 'embedded' }
    })
    expect(await readdir(root)).not.toContain('zoo')
  })

  it('adds after the check, lists, refuses a used name before asking the engine, saves sets and removes', async () => {
    const { service, engine } = await makeService()
    const added = (await service.handle(Channels.ZooAdd, {
      ...REQUEST,
      name: 'in-house'
    })) as ZooTargetEntry
    expect(added).toMatchObject({ id: 'in-house', format: 'onnx' })
    await expect(service.handle(Channels.ZooAdd, { ...REQUEST, name: 'in-house' })).rejects.toThrow(
      /already has a target named "in-house"/
    )
    expect(engine.queries).toHaveLength(1)
    await service.handle(Channels.ZooSaveSets, {
      sets: [{ name: 'test targets', targetIds: ['in-house'] }]
    })
    const listing = (await service.handle(Channels.ZooList, undefined)) as ZooListing
    expect(listing.targets.map((t) => t.path)).toEqual([added.path])
    expect(listing.sets).toEqual([
      { name: 'test targets', targetIds: ['in-house'] },
      { name: 'validation targets', targetIds: [] }
    ])
    await expect(service.handle(Channels.ZooRemove, { id: 'in-house' })).resolves.toEqual({
      removed: true
    })
    expect(((await service.handle(Channels.ZooList, undefined)) as ZooListing).targets).toEqual([])
  })

  it('refuses a near-chance model unless acceptCheck is given', async () => {
    const { service } = await makeService()
    const wrong = {
      ...REQUEST,
      name: 'wrong',
      preprocessing: { ...FMNIST_ONNX_PREP, classMap: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] }
    }
    await expect(service.handle(Channels.ZooAdd, wrong)).rejects.toThrow(
      /near chance .*accept anyway/
    )
    await expect(
      service.handle(Channels.ZooAdd, { ...wrong, acceptCheck: true })
    ).resolves.toMatchObject({ id: 'wrong' })
  })

  it.each<[string, string, unknown, RegExp]>([
    [
      'an unknown format',
      Channels.ZooCheck,
      { ...REQUEST, format: 'pt' },
      /format: unknown format "pt"/
    ],
    ['an empty path', Channels.ZooCheck, { ...REQUEST, path: '' }, /path: give the model file/],
    [
      'a tiny sample',
      Channels.ZooCheck,
      { ...REQUEST, sampleSize: 3 },
      /sampleSize: check on at least 10 images/
    ],
    [
      'a bad layout',
      Channels.ZooCheck,
      { ...REQUEST, preprocessing: { layout: 'CHW' } },
      /preprocessing\.layout/
    ],
    [
      'a name with a slash',
      Channels.ZooAdd,
      { ...REQUEST, name: '../evil' },
      /name: use letters, digits/
    ],
    ['a path-like id', Channels.ZooRemove, { id: '../../etc' }, /id: use letters, digits/],
    [
      'overlapping test and validation sets',
      Channels.ZooSaveSets,
      {
        sets: [
          { name: 'test targets', targetIds: ['a'] },
          { name: 'validation targets', targetIds: ['a'] }
        ]
      },
      /"a" cannot be both a test and a validation target/
    ],
    [
      'a set named twice',
      Channels.ZooSaveSets,
      {
        sets: [
          { name: 'x', targetIds: [] },
          { name: 'x', targetIds: [] }
        ]
      },
      /the set name "x" is used twice/
    ]
  ])(
    'refuses %s with the field named, asking the engine nothing',
    async (_, channel, payload, message) => {
      const { service, engine } = await makeService()
      await expect(service.handle(channel, payload)).rejects.toThrow(message)
      expect(engine.queries).toHaveLength(0)
    }
  )

  it('passes the engine message of a bad file through', async () => {
    const { service } = await makeService()
    await expect(
      service.handle(Channels.ZooAdd, {
        ...REQUEST,
        name: 'seven',
        path: onnxFixture('seven-classes')
      })
    ).rejects.toThrow(
      /seven-classes\.onnx: the model outputs 7 class scores but the dataset has 10/
    )
    expect(((await service.handle(Channels.ZooList, undefined)) as ZooListing).targets).toEqual([])
  })
})
