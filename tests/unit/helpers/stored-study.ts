/** A study record as the engine stores it, of the quick preset with no seed done: for service tests. */
import { studyPreset } from '../../../main/contract/study-presets'
import type { StudyRecord } from '../../../main/contract/study-record'
import { StudySpec } from '../../../main/contract/study-spec'

export function storedStudy(id: string, status: StudyRecord['status']): StudyRecord {
  const spec = StudySpec.parse(studyPreset('quick'))
  return {
    id,
    name: spec.name,
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
    spec,
    backend: 'test',
    versions: {},
    targets: [],
    seeds: spec.seeds.map((seed) => ({ seed, status: 'pending' })),
    results: { seeds: [], table3: [], table4: [], curves: [] },
    claims: [],
    timings: {}
  }
}
