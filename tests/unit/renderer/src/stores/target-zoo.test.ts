// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest'
import {
  applyFixToFields,
  defaultFields,
  inputMismatch,
  parseNumberList,
  requestFromFields,
  setConflicts,
  useTargetZooStore,
  withMembership
} from '../../../../../renderer/src/stores/target-zoo'
import { installFakeApiWithDemo, loadDemoSpec } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'
import { checkResult, installFakeZoo, zooEntry } from '../../zoo-fixture'

let fake: FakeApi
beforeEach(() => {
  fake = installFakeApiWithDemo(loadDemoSpec())
})

describe('wizard fields', () => {
  it('reads number lists and refuses anything else', () => {
    expect(parseNumberList('')).toBeUndefined()
    expect(parseNumberList(' 0.485, 0.456 0.406 ')).toEqual([0.485, 0.456, 0.406])
    expect(parseNumberList('0.5, x')).toBeNull()
  })

  it('turns the fields into a partial preprocessing, leaving the layout out for detection', () => {
    const { request, errors } = requestFromFields({
      ...defaultFields(),
      path: ' /m.onnx ',
      mean: '0.286',
      std: '0.353',
      classOrder: 'reversed'
    })
    expect(errors).toEqual({})
    expect(request).toEqual({
      format: 'onnx',
      path: '/m.onnx',
      preprocessing: {
        range: [0, 1],
        output: 'logits',
        resize: false,
        mean: [0.286],
        std: [0.353],
        classMap: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
      },
      dataset: { source: 'embedded' },
      sampleSize: 500
    })
    expect(
      requestFromFields({ ...defaultFields(), path: 'm', layout: 'NHWC', range: '0-255' }).request
        .preprocessing
    ).toMatchObject({ layout: 'NHWC', range: [0, 255] })
  })

  it('names each unreadable field', () => {
    const { errors } = requestFromFields({
      ...defaultFields(),
      mean: '0.5',
      std: '0',
      classOrder: 'custom',
      classMap: '1, a',
      datasetSource: 'idx-folder'
    })
    expect(errors).toEqual({
      path: 'give the path of the .onnx file',
      std: 'std values must be > 0',
      classMap: 'give the dataset class (0, 1, …) of each output, separated by commas',
      datasetPath: 'give the dataset folder'
    })
    expect(requestFromFields({ ...defaultFields(), path: 'm', mean: '0.5' }).errors).toEqual({
      std: 'give both mean and std, or neither'
    })
  })

  it("applies a check's fix to the fields", () => {
    const fields = {
      ...defaultFields(),
      range: '0-255' as const,
      mean: '0.286',
      std: '0.353',
      classOrder: 'reversed' as const
    }
    expect(applyFixToFields(fields, { range: [0, 1], mean: [0.286], std: [0.353] })).toMatchObject({
      range: '0-1',
      mean: '0.286',
      std: '0.353'
    })
    expect(applyFixToFields(fields, { layout: 'NCHW' }).layout).toBe('NCHW')
    expect(applyFixToFields(fields, { classMap: [0, 1, 2] })).toMatchObject({
      classOrder: 'dataset',
      classMap: ''
    })
    expect(applyFixToFields(fields, { classMap: [1, 0, 2] })).toMatchObject({
      classOrder: 'custom',
      classMap: '1, 0, 2'
    })
  })

  it('says when the detected input differs from the stated size or channels', () => {
    expect(
      inputMismatch({ ...defaultFields(), inputSize: 28, channels: 1 }, checkResult())
    ).toBeNull()
    expect(inputMismatch({ ...defaultFields(), inputSize: 32, channels: 3 }, checkResult())).toBe(
      'The model takes 28×28×1 images, not 32×32 and 3 channels as stated.'
    )
  })
})

describe('sets', () => {
  it('ticks membership and finds a target in both test and validation', () => {
    let sets = [
      { name: 'test targets', targetIds: ['a'] },
      { name: 'validation targets', targetIds: [] }
    ]
    expect(setConflicts(sets)).toEqual([])
    sets = withMembership(sets, 'validation targets', 'a', true)
    expect(setConflicts(sets)).toEqual(['a'])
    expect(setConflicts(withMembership(sets, 'test targets', 'a', false))).toEqual([])
  })
})

describe('useTargetZooStore', () => {
  it('checks, marks the result stale when a field changes, and adds only a fresh result', async () => {
    const zoo = installFakeZoo(fake, () => checkResult())
    const store = useTargetZooStore()
    await store.refresh()
    Object.assign(store.fields, { path: '/m.onnx', name: 'cnn' })
    expect(store.canAdd).toBe(false)
    await store.check()
    expect(zoo.check).toHaveBeenCalledTimes(1)
    expect(store.canAdd).toBe(true)
    store.fields.mean = '0.3'
    store.fields.std = '0.3'
    expect(store.stale).toBe(true)
    expect(store.canAdd).toBe(false)
    await store.check()
    await store.add()
    expect(zoo.add).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'cnn', path: '/m.onnx', acceptCheck: false })
    )
    expect(store.listing?.targets.map((t) => t.name)).toEqual(['cnn'])
    expect(store.lastAdded).toBe('cnn')
    expect(store.fields.path).toBe('')
  })

  it('needs "accept anyway" for a near-chance model, and refuses a name already in the zoo', async () => {
    const warning = {
      likelyCause: 'range' as const,
      message: 'near chance',
      fix: { range: [0, 1] as [number, number] }
    }
    installFakeZoo(fake, () => checkResult({ accuracy: 0.09, nearChance: true, warning }), [
      zooEntry('taken')
    ])
    const store = useTargetZooStore()
    await store.refresh()
    Object.assign(store.fields, { path: '/m.onnx', name: 'taken', range: '0-255' })
    await store.check()
    expect(store.nameError).toBe('the zoo already has a target named "taken"')
    store.fields.name = 'fresh'
    expect(store.canAdd).toBe(false)
    store.acceptCheck = true
    expect(store.canAdd).toBe(true)
    store.applyFix()
    expect(store.fields.range).toBe('0-1')
    expect(store.stale).toBe(true)
  })

  it('shows the engine message of a failed check', async () => {
    fake.api.zoo.check = async () =>
      Promise.reject(new Error('/m.onnx: not a classifier: its output has shape [2]'))
    const store = useTargetZooStore()
    store.fields.path = '/m.onnx'
    await store.check()
    expect(store.checkError).toMatch(/m\.onnx: not a classifier/)
    expect(store.result).toBeNull()
  })

  it('saves sets only without a test/validation conflict', async () => {
    const zoo = installFakeZoo(fake, () => checkResult(), [zooEntry('a'), zooEntry('b')])
    const store = useTargetZooStore()
    await store.refresh()
    store.setMember('test targets', 'a', true)
    store.setMember('validation targets', 'a', true)
    expect(store.conflicts).toEqual(['a'])
    await store.saveSets()
    expect(zoo.saveSets).not.toHaveBeenCalled()
    store.setMember('validation targets', 'a', false)
    store.setMember('validation targets', 'b', true)
    expect(store.addSet('held out')).toBeNull()
    expect(store.addSet('held out')).toBe('there is already a set named "held out"')
    await store.saveSets()
    expect(zoo.saveSets).toHaveBeenCalledWith([
      { name: 'test targets', targetIds: ['a'] },
      { name: 'validation targets', targetIds: ['b'] },
      { name: 'held out', targetIds: [] }
    ])
    expect(store.setsDirty).toBe(false)
  })
})
