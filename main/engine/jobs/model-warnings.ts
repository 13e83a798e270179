/**
 * The warnings a run's own models earn once it is evaluated: a model whose natural accuracy is near
 * chance (below 2 × chance) makes every rate it takes part in meaningless, and a model whose loss
 * became NaN or infinite stopped training early. Imported targets are judged by their import check
 * before the run instead (check-imported-targets.ts).
 */
import type { ModelResult, RunWarning } from '../../contract/run-record'

const percent = (v: number): string => `${Number((100 * v).toFixed(1))} %`

export function modelWarnings(
  models: ModelResult[],
  classes: number,
  imported: ReadonlySet<string>
): RunWarning[] {
  const chance = 1 / classes
  const warnings: RunWarning[] = []
  for (const m of models) {
    if (imported.has(m.name)) continue
    if (m.stopped)
      warnings.push({
        model: m.name,
        kind: 'non-finite-loss',
        message: `${m.role} ${m.name}: ${m.stopped}`
      })
    if (m.accuracy < 2 * chance) {
      const meaning =
        m.role === 'surrogate'
          ? 'its transfer rates mean nothing'
          : 'transfer rates to it mean nothing'
      warnings.push({
        model: m.name,
        kind: 'near-chance',
        message: `${m.role} ${m.name}: ${(100 * m.accuracy).toFixed(1)} % natural accuracy, near chance (${percent(chance)}): ${meaning}`
      })
    }
  }
  return warnings
}
