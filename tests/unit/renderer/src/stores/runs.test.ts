// @vitest-environment jsdom
import type { RunSummary } from '@contract/run-record'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../../../renderer/src/api/current-api'
import { sortNewestFirst, useRunsStore } from '../../../../../renderer/src/stores/runs'
import { createFakeApi, type FakeApi } from '../../fake-api'
import { loadRunRecordFixture } from '../../run-record-fixture'

const summaries: RunSummary[] = [
  { id: 'old', name: 'old run', status: 'completed', createdAt: '2025-01-01T10:00:00Z' },
  {
    id: 'broken',
    name: 'broken',
    status: 'unreadable',
    createdAt: 'garbage',
    problem: 'run.json: not JSON'
  },
  { id: 'new', name: 'new run', status: 'failed', createdAt: '2025-03-01T10:00:00Z' },
  { id: 'mid', name: 'mid run', status: 'interrupted', createdAt: '2025-02-01T10:00:00Z' }
]

let fake: FakeApi

beforeEach(() => {
  const record = loadRunRecordFixture()
  fake = createFakeApi({ runs: summaries, records: { old: { ...record, id: 'old' } } })
  setApi(fake.api)
  setActivePinia(createPinia())
})

describe('useRunsStore', () => {
  it('lists runs newest first, unreadable dates last', async () => {
    const runs = useRunsStore()
    await runs.refresh()
    expect(runs.runs.map((r) => r.id)).toEqual(['new', 'mid', 'old', 'broken'])
    expect(runs.listError).toBeNull()
  })

  it('loads the selected run through api.runs.get', async () => {
    const runs = useRunsStore()
    await runs.refresh()
    await runs.select('old')
    expect(fake.calls.get).toHaveBeenCalledWith('old')
    expect(runs.record?.id).toBe('old')
    expect(runs.loading).toBe(false)
  })

  it('does not fetch an unreadable run and keeps its problem visible', async () => {
    const runs = useRunsStore()
    await runs.refresh()
    await runs.select('broken')
    expect(fake.calls.get).not.toHaveBeenCalled()
    expect(runs.selectedSummary?.problem).toBe('run.json: not JSON')
    expect(runs.record).toBeNull()
  })

  it('reports a load failure naming the run', async () => {
    const runs = useRunsStore()
    await runs.refresh()
    await runs.select('mid')
    expect(runs.record).toBeNull()
    expect(runs.loadError).toBe('Could not load run mid: run mid not found')
  })

  it('reports a list failure', async () => {
    fake.calls.list.mockRejectedValueOnce(new Error('workspace not writable'))
    const runs = useRunsStore()
    await runs.refresh()
    expect(runs.listError).toBe('Could not list past runs: workspace not writable')
  })

  it('lets the last click win over a slower earlier load', async () => {
    const record = loadRunRecordFixture()
    let releaseSlow: () => void = () => {}
    fake.calls.get.mockImplementationOnce(
      () => new Promise((resolve) => (releaseSlow = () => resolve({ ...record, id: 'slow' })))
    )
    fake.calls.get.mockImplementationOnce(async () => ({ ...record, id: 'fast' }))
    const runs = useRunsStore()
    const slow = runs.select('slow')
    await runs.select('fast')
    releaseSlow()
    await slow
    expect(runs.selectedId).toBe('fast')
    expect(runs.record?.id).toBe('fast')
  })
})

describe('sortNewestFirst', () => {
  it('does not mutate its input', () => {
    const input = summaries.slice()
    sortNewestFirst(input)
    expect(input).toEqual(summaries)
  })
})
