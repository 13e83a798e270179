/**
 * Zoo answers for renderer tests: check results and stored targets shaped as the service returns
 * them, and a fake `api.zoo` that keeps added targets and sets in memory (no engine).
 */
import type {
  TargetCheckRequestInput,
  TargetCheckResult,
  ZooAddTrainedRequestInput,
  ZooListing,
  ZooSet,
  ZooTargetEntry
} from '@contract/target-zoo'
import { TargetPreprocessing } from '@contract/target-preprocessing'
import { vi } from 'vitest'
import type { FakeApi } from './fake-api'

export function checkResult(over: Partial<TargetCheckResult> = {}): TargetCheckResult {
  return {
    detected: {
      modelFormat: 'onnx',
      inputShape: [28, 28, 1],
      layout: 'NCHW',
      layoutDetected: true,
      outputs: 10
    },
    preprocessing: TargetPreprocessing.parse({ layout: 'NCHW', mean: [0.286], std: [0.353] }),
    accuracy: 0.524,
    correct: 262,
    sampled: 500,
    chance: 0.1,
    nearChance: false,
    notes: [],
    candidates: [],
    sha256: 'ab'.repeat(32),
    datasetName: 'fashion-mnist (embedded subset)',
    seconds: 0.4,
    ...over
  }
}

export function zooEntry(id: string, over: Partial<ZooTargetEntry> = {}): ZooTargetEntry {
  const check = checkResult()
  return {
    id,
    name: id,
    format: 'onnx',
    entry: 'model.onnx',
    files: [{ name: 'model.onnx', sha256: check.sha256 }],
    preprocessing: check.preprocessing,
    sha256: check.sha256,
    check,
    dataset: { source: 'embedded', trainLimit: 0, testLimit: 0, validationSize: 0 },
    source: `/models/${id}.onnx`,
    addedAt: '2026-11-22T00:00:00.000Z',
    path: `/ws/zoo/targets/${id}/model.onnx`,
    ...over
  }
}

/** Installs an in-memory zoo on the fake api; `answer` decides each check. */
export function installFakeZoo(
  fake: FakeApi,
  answer: (request: TargetCheckRequestInput) => TargetCheckResult,
  initial: ZooTargetEntry[] = []
) {
  const state: ZooListing = {
    targets: [...initial],
    sets: [
      { name: 'test targets', targetIds: [] },
      { name: 'validation targets', targetIds: [] }
    ]
  }
  const check = vi.fn(async (request: TargetCheckRequestInput) => answer(request))
  const add = vi.fn(
    async (request: TargetCheckRequestInput & { name: string; acceptCheck?: boolean }) => {
      const result = answer(request)
      if (result.warning && !request.acceptCheck) throw new Error('the check warned: accept anyway')
      const entry = zooEntry(request.name, { check: result })
      state.targets.push(entry)
      return entry
    }
  )
  /** Like the service: a used name and a warned check (unless accepted) are refused; the entry names its run. */
  const addTrained = vi.fn(async (request: ZooAddTrainedRequestInput) => {
    if (state.targets.some((t) => t.name.toLowerCase() === request.name.toLowerCase()))
      throw new Error(
        `the zoo already has a target named "${request.name}": choose another name, or remove that one first`
      )
    const path = `/ws/runs/${request.runId}/models/${request.model}`
    const result = answer({ format: 'flatline', path })
    if (result.warning && !request.acceptCheck)
      throw new Error(
        `"${request.name}" scores 9.0 %, near chance (10.0 %): add it with "accept anyway".`
      )
    const entry = zooEntry(request.name, {
      check: result,
      format: 'flatline',
      entry: '.',
      path,
      source: path,
      trainedIn: { runId: request.runId, model: request.model }
    })
    state.targets.push(entry)
    return entry
  })
  const saveSets = vi.fn(async (sets: ZooSet[]) => {
    state.sets = structuredClone(sets)
    return state.sets
  })
  fake.api.zoo = {
    list: async () => structuredClone(state),
    check,
    add,
    addTrained,
    remove: async (id) => {
      state.targets = state.targets.filter((t) => t.id !== id)
      return { removed: true }
    },
    saveSets
  }
  return { state, check, add, addTrained, saveSets }
}
