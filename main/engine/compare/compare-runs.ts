/**
 * Compares two completed runs (run-comparison.ts). Refused, with what differs, when either run has
 * no results, when the runs used different data (dataset name, source, path, limits, split, image
 * shape or counts), or when they share no target. Rows match by stack label and surrogate.
 */
import { hasSeveralStacks, transferRowLabel } from '../../contract/attack-queue'
import { differenceSpread } from '../../contract/rate-spread'
import type { RateChange, RunComparison } from '../../contract/run-comparison'
import type { RunRecord, TransferCell } from '../../contract/run-record'

export class CompareRefusedError extends Error {}

export function compareRuns(before: RunRecord, after: RunRecord): RunComparison {
  if (before.id === after.id)
    throw new CompareRefusedError(`both sides are run "${before.id}": choose two different runs`)
  for (const run of [before, after])
    if (!run.results || run.status !== 'completed')
      throw new CompareRefusedError(
        `run "${run.name}" (${run.id}) is ${run.status} and has no complete results to compare: finish or resume it first`
      )
  const differences = datasetDifferences(before, after)
  if (differences.length)
    throw new CompareRefusedError(
      `the runs used different datasets, so their rates do not compare: ${differences.join('; ')}. Compare runs of the same dataset and limits`
    )
  const targetsOf = (run: RunRecord): string[] => [
    ...new Set(run.results!.transfer.map((c) => c.target))
  ]
  const [tb, ta] = [targetsOf(before), targetsOf(after)]
  const shared = tb.filter((t) => ta.includes(t))
  if (shared.length === 0)
    throw new CompareRefusedError(
      `the runs share no target: "${before.name}" has ${tb.join(', ') || 'none'}, "${after.name}" has ${ta.join(', ') || 'none'}. ` +
        'Give the model the same target name in both runs (for example "in-house" for v1 and v2) to compare them'
    )
  const severalB = hasSeveralStacks(before.results!.transfer)
  const severalA = hasSeveralStacks(after.results!.transfer)
  const rowOf = (c: TransferCell, several: boolean): string =>
    transferRowLabel(c, several || severalB || severalA)
  const cells: RunComparison['cells'] = []
  for (const target of shared)
    for (const b of before.results!.transfer.filter((c) => c.target === target)) {
      const a = after.results!.transfer.find(
        (c) =>
          c.target === target &&
          c.surrogate === b.surrogate &&
          (c.attack ?? '') === (b.attack ?? '')
      )
      if (a) cells.push({ row: rowOf(b, severalB), target, ...change(b, a) })
    }
  const strongest = (run: RunRecord, target: string): TransferCell =>
    [...run.results!.transfer.filter((c) => c.target === target)].sort(
      (x, y) => y.successRate - x.successRate
    )[0]
  return {
    before: { id: before.id, name: before.name, createdAt: before.createdAt },
    after: { id: after.id, name: after.name, createdAt: after.createdAt },
    dataset: before.dataset.name,
    targets: shared.map((target) => ({
      target,
      ...change(strongest(before, target), strongest(after, target))
    })),
    cells,
    onlyBefore: tb.filter((t) => !ta.includes(t)),
    onlyAfter: ta.filter((t) => !tb.includes(t))
  }
}

function change(before: TransferCell, after: TransferCell): RateChange {
  const delta = after.successRate - before.successRate
  const spread = differenceSpread(before, after)
  return { before, after, change: delta, spread, exceeds: Math.abs(delta) > spread }
}

/** Each dataset field the two runs disagree on, as "field: A vs B". */
function datasetDifferences(a: RunRecord, b: RunRecord): string[] {
  const fields: [string, unknown, unknown][] = [
    ['dataset', a.dataset.name, b.dataset.name],
    ['dataset.source', a.spec.dataset.source, b.spec.dataset.source],
    ['dataset.path', a.spec.dataset.path ?? '(none)', b.spec.dataset.path ?? '(none)'],
    ['dataset.trainLimit', a.spec.dataset.trainLimit, b.spec.dataset.trainLimit],
    ['dataset.testLimit', a.spec.dataset.testLimit, b.spec.dataset.testLimit],
    ['dataset.validationSize', a.spec.dataset.validationSize, b.spec.dataset.validationSize],
    [
      'dataset.imageSize',
      a.spec.dataset.imageSize ?? '(native)',
      b.spec.dataset.imageSize ?? '(native)'
    ],
    [
      'validation split seed',
      a.spec.dataset.validationSize ? (a.spec.dataset.splitSeed ?? a.spec.seed) : '-',
      b.spec.dataset.validationSize ? (b.spec.dataset.splitSeed ?? b.spec.seed) : '-'
    ],
    ['image shape', a.dataset.shape.join('×'), b.dataset.shape.join('×')],
    ['training images', a.dataset.train, b.dataset.train],
    ['test images', a.dataset.test, b.dataset.test]
  ]
  return fields
    .filter(([, x, y]) => x !== y)
    .map(([name, x, y]) => `${name} ${String(x)} vs ${String(y)}`)
}
