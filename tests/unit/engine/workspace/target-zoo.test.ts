import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ZooAddRequest,
  type TargetCheckResult,
  type ZooAddRequestInput
} from '../../../../main/contract/target-zoo'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { checkTarget } from '../../../../main/engine/targets/check-target'
import { TargetZoo } from '../../../../main/engine/workspace/target-zoo'
import { tinyDataset } from '../../helpers/tiny-data'
import { FMNIST_ONNX_PREP, onnxFixture, tfjsFixture } from '../targets/target-fixtures'

let data: ImageDataset
let root: string
let zoo: TargetZoo
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(8, 100)
})
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'flatline-zoo-'))
  zoo = new TargetZoo(root)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const ONNX: ZooAddRequestInput = {
  name: 'cnn-onnx',
  format: 'onnx',
  path: onnxFixture('fmnist-cnn'),
  preprocessing: FMNIST_ONNX_PREP,
  sampleSize: 100
}
const TFJS: ZooAddRequestInput = {
  name: 'cnn-tfjs',
  format: 'tfjs',
  path: tfjsFixture('fmnist-layers'),
  preprocessing: { output: 'probabilities' },
  sampleSize: 100
}

/** Checks (as the engine query does) then adds, as the service's zoo.add does. */
async function add(input: ZooAddRequestInput) {
  const request = ZooAddRequest.parse(input)
  const check: TargetCheckResult = await checkTarget(request, data)
  return zoo.add(request, check)
}

/** Every file under the zoo, so a failed operation can be seen to change nothing. */
async function snapshot(): Promise<string[]> {
  const entries = await readdir(join(root, 'zoo'), { recursive: true }).catch(() => [] as string[])
  return Promise.all(
    entries.sort().map(
      async (e) =>
        `${e}:${await readFile(join(root, 'zoo', e)).then(
          (b) => b.length,
          () => 'dir'
        )}`
    )
  )
}

describe('TargetZoo', () => {
  it('adds ONNX and tfjs targets with their files, check and hash, and lists them with their paths', async () => {
    const onnx = await add(ONNX)
    const tfjs = await add(TFJS)
    expect(await readdir(join(root, 'zoo', 'targets', 'cnn-onnx'))).toEqual([
      'fmnist-cnn.onnx',
      'target.json'
    ])
    expect((await readdir(join(root, 'zoo', 'targets', 'cnn-tfjs'))).sort()).toEqual([
      'group1-shard1of1.bin',
      'model.json',
      'target.json'
    ])
    expect(onnx.path).toBe(join(root, 'zoo', 'targets', 'cnn-onnx', 'fmnist-cnn.onnx'))
    expect(onnx.check.accuracy).toBeGreaterThan(0.3)
    expect(onnx.preprocessing).toMatchObject({ layout: 'NCHW', mean: [0.286], std: [0.353] })
    expect(tfjs.preprocessing.layout).toBe('NHWC')
    const stored = JSON.parse(
      await readFile(join(root, 'zoo', 'targets', 'cnn-onnx', 'target.json'), 'utf8')
    )
    expect(stored).toMatchObject({
      id: 'cnn-onnx',
      name: 'cnn-onnx',
      format: 'onnx',
      sha256: onnx.check.sha256,
      dataset: { source: 'embedded' }
    })
    expect(stored.addedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    const listing = await zoo.list()
    expect(listing.targets.map((t) => t.id)).toEqual(['cnn-onnx', 'cnn-tfjs'])
    expect(listing.sets).toEqual([
      { name: 'test targets', targetIds: [] },
      { name: 'validation targets', targetIds: [] }
    ])
  })

  it('refuses a name already used (whatever its case) and leaves the zoo as it was', async () => {
    await add(ONNX)
    const before = await snapshot()
    await expect(add({ ...TFJS, name: 'CNN-onnx' })).rejects.toThrow(
      /already has a target named "cnn-onnx"/
    )
    expect(await snapshot()).toEqual(before)
  })

  it('refuses a near-chance model unless accepted, naming the likely cause', async () => {
    const wrong = {
      ...ONNX,
      name: 'wrong-order',
      preprocessing: { ...FMNIST_ONNX_PREP, classMap: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] }
    }
    await expect(add(wrong)).rejects.toThrow(
      /"wrong-order" scores \d+\.\d % \(\d+\/100\), near chance \(10\.0 %\): .*orders its classes in reverse\. .*accept anyway/
    )
    expect(await snapshot()).toEqual([])
    const accepted = await add({ ...wrong, acceptCheck: true })
    expect(accepted.check.warning?.likelyCause).toBe('class-order')
    expect(accepted.preprocessing.classMap).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
  })

  it('a failed add (the file changed after its check) leaves the zoo as it was', async () => {
    await add(ONNX)
    const before = await snapshot()
    const copy = join(root, 'copy.onnx')
    await copyFile(onnxFixture('fmnist-cnn'), copy)
    const request = ZooAddRequest.parse({ ...ONNX, name: 'changed', path: copy })
    const check = await checkTarget(request, data)
    await writeFile(copy, Buffer.concat([await readFile(copy), Buffer.from([0])]))
    await expect(zoo.add(request, check)).rejects.toThrow(/copy\.onnx changed after it was checked/)
    expect(await snapshot()).toEqual(before)
  })

  it('saves named sets, refuses a target in both test and validation sets or an unknown id, and remove drops memberships', async () => {
    await add(ONNX)
    await add(TFJS)
    const sets = await zoo.saveSets([
      { name: 'test targets', targetIds: ['cnn-onnx'] },
      { name: 'validation targets', targetIds: ['cnn-tfjs'] },
      { name: 'all', targetIds: ['cnn-onnx', 'cnn-tfjs', 'cnn-onnx'] }
    ])
    expect(sets).toEqual([
      { name: 'test targets', targetIds: ['cnn-onnx'] },
      { name: 'validation targets', targetIds: ['cnn-tfjs'] },
      { name: 'all', targetIds: ['cnn-onnx', 'cnn-tfjs'] }
    ])
    const before = await snapshot()
    await expect(
      zoo.saveSets([
        { name: 'test targets', targetIds: ['cnn-onnx'] },
        { name: 'validation targets', targetIds: ['cnn-onnx'] }
      ])
    ).rejects.toThrow(/"cnn-onnx" cannot be both a test and a validation target/)
    await expect(zoo.saveSets([{ name: 'x', targetIds: ['nope'] }])).rejects.toThrow(
      /set "x" names "nope", not in the zoo/
    )
    await expect(zoo.remove('nope')).rejects.toThrow(/the zoo has no target "nope"/)
    expect(await snapshot()).toEqual(before)
    await zoo.remove('cnn-onnx')
    const listing = await zoo.list()
    expect(listing.targets.map((t) => t.id)).toEqual(['cnn-tfjs'])
    expect(listing.sets.map((s) => s.targetIds)).toEqual([[], ['cnn-tfjs'], ['cnn-tfjs']])
    expect(await readdir(join(root, 'zoo', 'targets'))).toEqual(['cnn-tfjs'])
  })

  it('reads a hand-broken sets.json as the default sets instead of failing', async () => {
    await add(ONNX)
    await writeFile(join(root, 'zoo', 'sets.json'), '{ not json')
    expect((await zoo.list()).sets.map((s) => s.name)).toEqual([
      'test targets',
      'validation targets'
    ])
  })
})
