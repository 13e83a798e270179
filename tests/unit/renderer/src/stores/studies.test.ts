// @vitest-environment jsdom
import type { JobEvent } from '@contract/job-events'
import { studyPreset } from '@contract/study-presets'
import type { StudyRecord } from '@contract/study-record'
import { StudySpec } from '@contract/study-spec'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setApi } from '../../../../../renderer/src/api/current-api'
import { useJobStore } from '../../../../../renderer/src/stores/job'
import { useStudiesStore } from '../../../../../renderer/src/stores/studies'
import { parseStudyText, useStudyFormStore } from '../../../../../renderer/src/stores/study-form'
import { createFakeApi, flush, type FakeApi } from '../../fake-api'

const spec = StudySpec.parse(studyPreset('quick'))
const record = (seedsDone: number): StudyRecord => ({
  id: 'st-1',
  name: spec.name,
  status: 'running',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec,
  backend: 'cpu',
  versions: {},
  targets: [],
  seeds: spec.seeds.map((seed, i) => ({ seed, status: i < seedsDone ? 'completed' : 'pending' })),
  results: { seeds: spec.seeds.slice(0, seedsDone), table3: [], table4: [], curves: [] },
  claims: [],
  timings: {}
})

let fake: FakeApi
let stored = record(0)
beforeEach(() => {
  setActivePinia(createPinia())
  fake = createFakeApi()
  stored = record(0)
  fake.api.study.start = vi.fn(async () => ({ jobId: 'study-st-1', studyId: 'st-1' }))
  fake.api.study.get = vi.fn(async () => stored)
  fake.api.study.list = vi.fn(async () => [
    {
      id: 'st-1',
      name: spec.name,
      status: 'running' as const,
      createdAt: stored.createdAt,
      seedsDone: stored.results.seeds.length,
      seedsTotal: 2
    }
  ])
  setApi(fake.api)
})

describe('studies store', () => {
  it('starts a study, shows its seed audit live and reloads the record after every seed', async () => {
    const studies = useStudiesStore()
    studies.listen()
    await studies.start(studyPreset('quick'))
    expect(studies.view).toBe('study')
    expect(studies.record?.results.seeds).toEqual([])
    const started: JobEvent = {
      jobId: 'study-st-1',
      kind: 'started',
      runId: 'run-a',
      backend: 'cpu',
      tasks: [{ id: 'train-sgd.small-cnn', kind: 'train', label: 'Train' }]
    }
    fake.emit(started)
    fake.emit({
      jobId: 'study-st-1',
      kind: 'task-progress',
      taskId: 'train-sgd.small-cnn',
      value: 0.5,
      detail: 'epoch 2/4'
    })
    expect(studies.live?.tasks[0].value).toBe(0.5)
    expect(studies.running).toBe(true)
    // The audit view's job store leaves study events alone.
    expect(useJobStore().job).toBeNull()
    stored = record(1)
    fake.emit({
      jobId: 'study-st-1',
      kind: 'study-updated',
      studyId: 'st-1',
      seedsDone: 1,
      seedsTotal: 2
    })
    await flush()
    expect(studies.record?.results.seeds).toEqual([1])
    expect(studies.studies[0].seedsDone).toBe(1)
    fake.emit({ jobId: 'study-st-1', kind: 'completed', runId: 'st-1' })
    expect(studies.running).toBe(false)
  })

  it('adopts a study already running when the page opens, from its events', async () => {
    const studies = useStudiesStore()
    studies.listen()
    fake.emit({
      jobId: 'study-st-1',
      kind: 'started',
      runId: 'run-b',
      backend: 'cpu',
      tasks: [{ id: 'evaluate', kind: 'evaluate', label: 'Evaluate' }]
    })
    expect(studies.running).toBe(true)
    fake.emit({
      jobId: 'study-st-1',
      kind: 'study-updated',
      studyId: 'st-1',
      seedsDone: 1,
      seedsTotal: 2
    })
    expect(studies.live?.studyId).toBe('st-1')
  })
})

describe('study form', () => {
  it('names every problem of the edited spec by its field, and the JSON error', () => {
    expect(parseStudyText('{').errors[0]).toMatch(/^not valid JSON/)
    expect(
      parseStudyText(
        JSON.stringify({ ...(studyPreset('quick') as object), seeds: [1], colour: 'red' })
      ).errors
    ).toEqual([
      expect.stringMatching(/colour/),
      'seeds: a verdict compares mean ± 2 std over seeds, which needs at least 2 seeds (the paper uses 3): add a seed'
    ])
  })

  it('fills the spec from a preset and estimates its time from measured throughputs', async () => {
    const form = useStudyFormStore()
    form.applyPreset()
    expect(form.parsed.spec?.name).toBe('quick study')
    expect(form.estimate.value?.totalSeconds).toBeNull()
    await form.measure()
    expect(form.estimate.value?.totalSeconds).toBeGreaterThan(0)
    form.preset = 'cifar10'
    form.applyPreset()
    expect(form.presetError).toMatch(/cifar10 preset needs the folder/)
  })
})
