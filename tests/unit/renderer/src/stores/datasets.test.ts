// @vitest-environment jsdom
import type { DatasetDetection, DatasetInspection } from '@contract/dataset-inspection'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useAuditFormStore } from '../../../../../renderer/src/stores/audit-form'
import {
  datasetSpecOf,
  defaultDatasetFields,
  useDatasetsStore
} from '../../../../../renderer/src/stores/datasets'
import { installFakeApiWithDemo, loadDemoSpec } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'

let fake: FakeApi

beforeEach(() => {
  fake = installFakeApiWithDemo(loadDemoSpec())
})

function inspectionOf(trainCount: number): DatasetInspection {
  return {
    name: 'pets',
    source: 'image-folder',
    format: 'image folder (PNG/JPEG)',
    classNames: ['cat', 'dog'],
    imageShape: [32, 32, 3],
    train: { count: trainCount, perClass: [trainCount, 0] },
    test: { count: 2, perClass: [1, 1] },
    samples: [],
    memoryBytes: 1000,
    memoryBudgetBytes: 2000,
    seconds: 0.1,
    problems:
      trainCount > 0
        ? ['class "dog" has no training images.']
        : ['/data/pets/train/cat/x.png: cannot decode the image']
  }
}

describe('datasetSpecOf', () => {
  it('builds the spec an audit takes: path only for folders, imageSize only for image folders, splitSeed only with a validation split', () => {
    expect(datasetSpecOf(defaultDatasetFields()).spec).toEqual({
      source: 'embedded',
      trainLimit: 0,
      testLimit: 0,
      validationSize: 0
    })
    const images = datasetSpecOf({
      ...defaultDatasetFields(),
      source: 'image-folder',
      path: ' /data/pets ',
      imageSize: 64,
      validationSize: 100,
      splitSeed: 7
    })
    expect(images.spec).toEqual({
      source: 'image-folder',
      path: '/data/pets',
      imageSize: 64,
      trainLimit: 0,
      testLimit: 0,
      validationSize: 100,
      splitSeed: 7
    })
    expect(
      datasetSpecOf({
        ...defaultDatasetFields(),
        source: 'cifar-binary',
        path: '/c',
        imageSize: 64
      }).spec
    ).not.toHaveProperty('imageSize')
  })

  it('names the bad field', () => {
    expect(datasetSpecOf({ ...defaultDatasetFields(), source: 'idx-folder' }).error).toBe(
      'path: choose the folder holding the dataset'
    )
    expect(
      datasetSpecOf({ ...defaultDatasetFields(), source: 'image-folder', path: '/p', imageSize: 4 })
        .error
    ).toBe('imageSize: imageSize must be at least 8 pixels')
    expect(datasetSpecOf({ ...defaultDatasetFields(), trainLimit: -1 }).error).toMatch(
      /^trainLimit: /
    )
  })
})

describe('useDatasetsStore', () => {
  it('detects a typed folder and switches the source to what it holds', async () => {
    const detection: DatasetDetection = {
      path: '/data/c10',
      source: 'cifar-binary',
      format: 'CIFAR-10 binary batches',
      message: 'ok'
    }
    const detect = vi.fn(async () => detection)
    fake.api.datasets.detect = detect
    const store = useDatasetsStore()
    store.fields.path = '/data/c10'
    await store.detect()
    expect(detect).toHaveBeenCalledWith('/data/c10')
    expect(store.fields.source).toBe('cifar-binary')
    expect(store.detection).toEqual(detection)
  })

  it('keeps the typed path when the folder picker has nothing (browser mode) and takes the chosen folder otherwise', async () => {
    const store = useDatasetsStore()
    store.fields.path = '/typed'
    await store.pickFolder()
    expect(store.fields.path).toBe('/typed')
    fake.api.app.pickFolder = async () => ({ path: '/chosen' })
    fake.api.datasets.detect = async (path) => ({
      path,
      source: 'idx-folder',
      format: 'MNIST-style idx files',
      message: ''
    })
    await store.pickFolder()
    expect(store.fields.path).toBe('/chosen')
    expect(store.fields.source).toBe('idx-folder')
  })

  it('inspects the current spec, marks the result stale after an edit, and is usable only while fresh and readable', async () => {
    const inspect = vi.fn(async () => inspectionOf(5))
    fake.api.datasets.inspect = inspect
    const store = useDatasetsStore()
    Object.assign(store.fields, { source: 'image-folder', path: '/data/pets', imageSize: 32 })
    await store.inspect()
    expect(inspect).toHaveBeenCalledWith({
      dataset: expect.objectContaining({
        source: 'image-folder',
        path: '/data/pets',
        imageSize: 32
      })
    })
    expect(store.usable).toBe(true)
    expect(store.stale).toBe(false)
    store.fields.imageSize = 16
    expect(store.stale).toBe(true)
    expect(store.usable).toBe(false)
    fake.api.datasets.inspect = async () => inspectionOf(0)
    await store.inspect()
    expect(store.usable).toBe(false)
    fake.api.datasets.inspect = async () => Promise.reject(new Error('engine stopped'))
    await store.inspect()
    expect(store.error).toBe('engine stopped')
  })

  it('puts the dataset into the New audit form and opens it', async () => {
    const store = useDatasetsStore()
    store.openView()
    Object.assign(store.fields, {
      source: 'cifar-binary',
      path: '/data/c10',
      trainLimit: 5000,
      validationSize: 500,
      splitSeed: 3
    })
    await store.useInNewAudit()
    const form = useAuditFormStore()
    expect(store.open).toBe(false)
    expect(form.open).toBe(true)
    expect(form.draft?.dataset).toEqual({
      source: 'cifar-binary',
      path: '/data/c10',
      trainLimit: 5000,
      testLimit: 0,
      validationSize: 500,
      splitSeed: 3
    })
    expect(form.spec?.dataset).toMatchObject({ source: 'cifar-binary', path: '/data/c10' })
    expect(form.draft?.surrogates.length).toBeGreaterThan(0)
  })
})
