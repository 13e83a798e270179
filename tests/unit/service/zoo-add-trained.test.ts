import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Channels } from '../../../main/contract/api'
import { RunRecord } from '../../../main/contract/run-record'
import type {
  TargetCheckRequest,
  ZooListing,
  ZooTargetEntry
} from '../../../main/contract/target-zoo'
import { initBackend } from '../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../main/engine/data/dataset'
import { checkTarget } from '../../../main/engine/targets/check-target'
import fixture from '../../fixtures/run-record.json'
import { saveTinyModel } from '../engine/targets/trained-model-fixture'
import { recordingService } from '../helpers/recording-service'
import { tinyDataset } from '../helpers/tiny-data'

let data: ImageDataset
const roots: string[] = []
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 60)
})
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })))
})

const DONE = '20250314-101502-demo'
const RUNNING = '20250314-111111-busy'

/** A service over a workspace with a completed run that saved "target-cnn" and a running one; the engine checks in-process. */
async function makeService() {
  const { engine, service, root } = await recordingService()
  roots.push(root)
  engine.answer = async (query) => {
    if (query.kind !== 'check-target') throw new Error(`unexpected query ${query.kind}`)
    return checkTarget(query as TargetCheckRequest, data)
  }
  const done = RunRecord.parse(fixture)
  await service.runStore.create(done)
  const { results: _, finishedAt: __, ...rest } = done
  await service.runStore.create(RunRecord.parse({ ...rest, id: RUNNING, status: 'running' }))
  const manifest = await saveTinyModel(join(service.runStore.runDir(DONE), 'models', 'target-cnn'))
  await saveTinyModel(join(service.runStore.runDir(RUNNING), 'models', 'target-cnn'))
  return { engine, service, root, manifest }
}

/** Every file under the zoo, so a refusal can be seen to change nothing. */
async function zooFiles(root: string): Promise<string[]> {
  return (await readdir(join(root, 'zoo'), { recursive: true }).catch(() => [] as string[])).sort()
}

const ADD = { runId: DONE, model: 'target-cnn', name: 'our-cnn', sampleSize: 20, acceptCheck: true }

describe('zoo.addTrained', () => {
  it('checks the run model on the run dataset, copies its folder with the manifest hash and records the run', async () => {
    const { service, engine, root, manifest } = await makeService()
    const added = (await service.handle(Channels.ZooAddTrained, ADD)) as ZooTargetEntry
    expect(engine.queries[0]).toMatchObject({
      kind: 'check-target',
      format: 'flatline',
      path: join(root, 'runs', DONE, 'models', 'target-cnn'),
      dataset: fixture.spec.dataset
    })
    expect(added).toMatchObject({
      id: 'our-cnn',
      format: 'flatline',
      sha256: manifest.sha256,
      trainedIn: { runId: DONE, model: 'target-cnn' }
    })
    expect(added.path).toBe(join(root, 'zoo', 'targets', 'our-cnn'))
    expect((await readdir(added.path)).sort()).toEqual([
      'manifest.json',
      'target.json',
      'weights.bin'
    ])
    expect(added.files.map((f) => f.name)).toEqual(['manifest.json', 'weights.bin'])
    expect(added.files[1].sha256).toBe(manifest.sha256)
    expect(await readFile(join(added.path, 'weights.bin'))).toEqual(
      await readFile(join(root, 'runs', DONE, 'models', 'target-cnn', 'weights.bin'))
    )
    const listing = (await service.handle(Channels.ZooList, undefined)) as ZooListing
    expect(listing.targets).toEqual([added])
    // The stored copy is a loadable 'flatline' target in its own right.
    await expect(
      checkTarget(
        {
          format: 'flatline',
          path: added.path,
          preprocessing: {},
          dataset: fixture.spec.dataset,
          sampleSize: 10,
          seed: 0
        } as TargetCheckRequest,
        data
      )
    ).resolves.toMatchObject({
      sha256: manifest.sha256
    })
  })

  it.each<[string, object, RegExp]>([
    ['an unknown run', { runId: '20990101-000000-none' }, /there is no run "20990101-000000-none"/],
    [
      'a running run',
      { runId: RUNNING },
      /run "20250314-111111-busy" is running: only a model of a completed run/
    ],
    ['an unknown model', { model: 'nope' }, /run "20250314-101502-demo" has no model "nope"/],
    [
      'a model whose folder is gone',
      { model: 'target-resnet' },
      /lists "target-resnet" but its saved model is missing/
    ]
  ])(
    'refuses %s without asking the engine, leaving the zoo as it was',
    async (_, change, message) => {
      const { service, engine, root } = await makeService()
      await expect(service.handle(Channels.ZooAddTrained, { ...ADD, ...change })).rejects.toThrow(
        message
      )
      expect(engine.queries).toHaveLength(0)
      expect(await zooFiles(root)).toEqual([])
    }
  )

  it('refuses a duplicate name and a near-chance model unless accepted, leaving the zoo intact', async () => {
    const { service, engine, root } = await makeService()
    await service.handle(Channels.ZooAddTrained, ADD)
    const before = await zooFiles(root)
    await expect(
      service.handle(Channels.ZooAddTrained, { ...ADD, name: 'OUR-cnn' })
    ).rejects.toThrow(/already has a target named "our-cnn"/)
    expect(engine.queries).toHaveLength(1)
    // An untrained model scores near chance: refused unless the user accepts it.
    await expect(
      service.handle(Channels.ZooAddTrained, { ...ADD, name: 'other', acceptCheck: false })
    ).rejects.toThrow(
      /near chance .*a model trained in Flatline takes its input as it was trained, so it is under-trained/
    )
    expect(await zooFiles(root)).toEqual(before)
  })

  it('refuses weights changed between the check and the copy, leaving no partial target', async () => {
    const { service, engine, root } = await makeService()
    const weights = join(root, 'runs', DONE, 'models', 'target-cnn', 'weights.bin')
    const check = engine.answer
    engine.answer = async (query) => {
      const result = await check(query)
      const bytes = await readFile(weights)
      bytes[0] ^= 0xff
      await writeFile(weights, bytes)
      return result
    }
    await expect(service.handle(Channels.ZooAddTrained, ADD)).rejects.toThrow(
      /changed after it was checked/
    )
    expect(await readdir(join(root, 'zoo', 'targets'))).toEqual([])
  })

  it.each<[string, object, RegExp]>([
    ['a path-like run id', { runId: '../etc' }, /runId: a run id holds only letters/],
    ['a bad target name', { name: '../evil' }, /name: use letters, digits/],
    ['a missing model', { model: undefined }, /model/],
    ['a tiny sample', { sampleSize: 2 }, /sampleSize: check on at least 10 images/]
  ])('validates the channel payload: %s', async (_, change, message) => {
    const { service, engine } = await makeService()
    await expect(service.handle(Channels.ZooAddTrained, { ...ADD, ...change })).rejects.toThrow(
      message
    )
    expect(engine.queries).toHaveLength(0)
  })
})
