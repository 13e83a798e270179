/**
 * A study's tables and curves from the seeds done so far (seed-numbers.ts): every cell is the mean ±
 * 2 std over seeds; the average over targets is taken per seed first, so its spread is the spread of
 * the seeds' averages.
 */
import type {
  SeedStat,
  StudyCurve,
  StudyResults,
  Table3,
  Table4
} from '../../contract/study-record'
import { STUDY_ROW_INFO } from '../../contract/study-rows'
import type { StudySpec } from '../../contract/study-spec'
import { TECHNIQUE_INFO } from '../../contract/attack-stack'
import { learningRate } from '../training/lr-schedule'
import type { PerTarget, SeedNumbers } from './seed-numbers'
import { seedStat } from './seed-stat'

export function studyTables(spec: StudySpec, seeds: readonly SeedNumbers[]): StudyResults {
  const targets = spec.targets.map((t) => t.name)
  const average = (p: PerTarget): number => targets.reduce((s, t) => s + p[t], 0) / targets.length
  const perTarget = (list: PerTarget[]): Record<string, SeedStat> =>
    Object.fromEntries(targets.map((t) => [t, seedStat(list.map((p) => p[t]))]))
  const table3: Table3[] = []
  const table4: Table4[] = []
  const curves: StudyCurve[] = []
  if (seeds.length === 0) return { seeds: [], table3, table4, curves }
  for (const { arch } of spec.surrogates) {
    const archs = seeds.map((s) => s.archs[arch])
    table3.push({
      surrogate: arch,
      targets,
      rows: spec.rows.map((row) => {
        const numbers = archs.map((a) => a.rows[row]!)
        const accuracies = numbers.map((n) => n.accuracy)
        const chosen = numbers.flatMap((n) => (n.chosenEpoch === undefined ? [] : [n.chosenEpoch]))
        return {
          row,
          label: STUDY_ROW_INFO[row].label,
          accuracy: accuracies.every((a) => a !== null) ? seedStat(accuracies as number[]) : null,
          transfer: perTarget(numbers.map((n) => n.transfer)),
          average: seedStat(numbers.map((n) => average(n.transfer))),
          cost: seedStat(numbers.map((n) => n.cost)),
          ...(chosen.length ? { chosenEpochs: chosen } : {})
        }
      })
    })
    if (spec.techniques?.surrogates.includes(arch))
      table4.push({
        surrogate: arch,
        targets,
        rows: spec.techniques.list.map((id) => {
          const side = (key: 'sgd' | 'lsam'): Table4['rows'][number]['sgd'] => {
            const list = archs.map((a) => a.techniques[id][key])
            return { transfer: perTarget(list), average: seedStat(list.map(average)) }
          }
          return {
            technique: id,
            label: `${id.toUpperCase()} (${TECHNIQUE_INFO[id].label})`,
            sgd: side('sgd'),
            lsam: side('lsam')
          }
        })
      })
    curves.push(
      curveOf(
        spec,
        arch,
        archs.map((a) => a.curve)
      )
    )
  }
  return { seeds: seeds.map((s) => s.seed), table3, table4, curves }
}

/** Epochs after which the recipe's LR drops (the next epoch is the first at the lower LR). */
export function decayEpochs(spec: StudySpec): number[] {
  const { lr, lrSchedule, epochs } = spec.recipe
  const rates = Array.from({ length: epochs }, (_, i) =>
    learningRate(lr, lrSchedule, i + 1, epochs)
  )
  return rates.flatMap((rate, i) =>
    i + 1 < rates.length && rates[i + 1] < rate * 0.75 ? [i + 1] : []
  )
}

function curveOf(
  spec: StudySpec,
  arch: string,
  perSeed: SeedNumbers['archs'][string]['curve'][]
): StudyCurve {
  const epochs = Math.min(...perSeed.map((c) => c.length))
  const stat = (values: (number | undefined)[]): SeedStat | null =>
    values.every((v): v is number => v !== undefined) ? seedStat(values) : null
  return {
    surrogate: arch,
    decays: decayEpochs(spec),
    points: Array.from({ length: epochs }, (_, i) => ({
      epoch: perSeed[0][i].epoch,
      lr: perSeed[0][i].lr,
      transfer: stat(perSeed.map((c) => c[i].transfer)),
      maxEigenvalue: stat(perSeed.map((c) => c[i].maxEigenvalue)),
      trace: stat(perSeed.map((c) => c[i].trace))
    }))
  }
}
