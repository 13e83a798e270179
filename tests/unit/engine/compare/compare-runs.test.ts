import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../../main/contract/run-record'
import { CompareRefusedError, compareRuns } from '../../../../main/engine/compare/compare-runs'
import { fixtureRun } from '../../helpers/harden-fixture'

/** The fixture run under another id, with its transfer rates replaced (fooled of 1000). */
function variant(
  id: string,
  fooled: Record<string, number>,
  edit: (r: RunRecord) => void = () => undefined
): RunRecord {
  const run = fixtureRun()
  run.id = id
  run.name = `run ${id}`
  run.results!.transfer = run.results!.transfer.map((c) => ({
    ...c,
    fooled: fooled[c.target] ?? c.fooled,
    successRate: (fooled[c.target] ?? c.fooled) / 1000
  }))
  edit(run)
  return run
}

describe('compareRuns', () => {
  it('gives each shared target its change and whether it exceeds the ± 2 std spread', () => {
    const before = variant('a', { 'target-cnn': 473, 'target-resnet': 218 })
    const after = variant('b', { 'target-cnn': 300, 'target-resnet': 225 })
    const c = compareRuns(before, after)
    const cnn = c.targets.find((t) => t.target === 'target-cnn')!
    expect(cnn.change).toBeCloseTo(-0.173, 10)
    // 2·√(.473·.527/1000 + .3·.7/1000) ≈ 0.0427
    expect(cnn.spread).toBeCloseTo(2 * Math.sqrt((0.473 * 0.527 + 0.3 * 0.7) / 1000), 10)
    expect(cnn.exceeds).toBe(true)
    expect(c.targets.find((t) => t.target === 'target-resnet')!.exceeds).toBe(false)
    expect(c.cells).toHaveLength(2)
    expect(c.cells[0].row).toBe('surrogate-cnn')
    expect(c.onlyBefore).toEqual([])
  })

  it('lists targets only one run has and compares the rest', () => {
    const after = variant(
      'b',
      {},
      (r) =>
        (r.results!.transfer = r.results!.transfer.map((x) =>
          x.target === 'target-resnet' ? { ...x, target: 'model-v2' } : x
        ))
    )
    const c = compareRuns(variant('a', {}), after)
    expect(c.targets.map((t) => t.target)).toEqual(['target-cnn'])
    expect(c.onlyBefore).toEqual(['target-resnet'])
    expect(c.onlyAfter).toEqual(['model-v2'])
  })

  it("refuses runs with no shared target, naming each side's targets", () => {
    const after = variant(
      'b',
      {},
      (r) =>
        (r.results!.transfer = r.results!.transfer.map((x) => ({ ...x, target: `${x.target}-v2` })))
    )
    expect(() => compareRuns(variant('a', {}), after)).toThrow(CompareRefusedError)
    expect(() => compareRuns(variant('a', {}), after)).toThrow(
      /the runs share no target: "run a" has target-cnn, target-resnet, "run b" has target-cnn-v2, target-resnet-v2/
    )
  })

  it('refuses runs on different datasets, naming each difference', () => {
    const after = variant('b', {}, (r) => {
      r.spec.dataset.trainLimit = 2000
      r.dataset.train = 2000
    })
    expect(() => compareRuns(variant('a', {}), after)).toThrow(
      /different datasets, so their rates do not compare: dataset.trainLimit \d+ vs 2000; training images 10000 vs 2000/
    )
  })

  it('refuses a run without results and a run compared with itself', () => {
    const failed = variant('b', {}, (r) => {
      r.status = 'failed'
      delete r.results
    })
    expect(() => compareRuns(variant('a', {}), failed)).toThrow(
      /run "run b" \(b\) is failed and has no complete results/
    )
    expect(() => compareRuns(variant('a', {}), variant('a', {}))).toThrow(/both sides are run "a"/)
  })
})
