/**
 * Surrogates read from another surrogate's saved epochs instead of trained again (issue 14: "read
 * early-stopped SGD from the SGD run's own checkpoints, with no second training"):
 * - `early-stopped`: the checkpoint of the epoch whose examples transfer best to the validation
 *   targets (training spec §3; ties → earliest), chosen from the source's tracked validation transfer;
 * - `swa`: the paper's SWA (spec §4) — the average of the source's end-of-epoch weights from the
 *   first epoch after 0.75·E (or `averageStart`), batch norm recomputed — which is what a separate
 *   SWA training with the source's seed would produce, at no training cost.
 * A derived surrogate is attacked and scored like a trained one; its cost is counted from its source.
 */
import { z } from 'zod'
import { ModelName } from './model-name'

export const DerivedSurrogateSpec = z.strictObject({
  name: ModelName,
  /** The trained surrogate whose checkpoints it is read from. */
  from: z.string().min(1, 'name the surrogate to derive from'),
  method: z.enum(['early-stopped', 'swa'], {
    error: (issue) =>
      `unknown method ${JSON.stringify(issue.input)}: expected "early-stopped" or "swa"`
  }),
  /** SWA only: first averaged epoch (default: the first epoch after 0.75·E). */
  averageStart: z.number().int().positive().optional()
})
export type DerivedSurrogateSpec = z.infer<typeof DerivedSurrogateSpec>

/** What the check needs of a source surrogate (a parsed ModelSpec). */
interface SourceFields {
  name: string
  earlyStopping?: boolean
  track?: { transfer?: boolean }
  recipe: { epochs: number; minimizer: { id: string } }
}

type Issue = { path: (string | number)[]; message: string }

/** Problems of `derived` against the audit's surrogates, each with the path of the field to fix. */
export function derivedSurrogateIssues(
  derived: readonly DerivedSurrogateSpec[],
  surrogates: readonly SourceFields[],
  hasValidation: boolean
): Issue[] {
  const issues: Issue[] = []
  derived.forEach((d, i) => {
    const at = (field: string, message: string): number =>
      issues.push({ path: ['derivedSurrogates', i, field], message })
    const source = surrogates.find((s) => s.name === d.from)
    if (!source)
      return at(
        'from',
        `unknown surrogate "${d.from}": expected one of ${surrogates.map((s) => s.name).join(', ')}`
      )
    if (source.earlyStopping)
      at(
        'from',
        `surrogate "${d.from}" is itself early-stopped: derive from a fully trained surrogate (leave its earlyStopping out)`
      )
    if (d.method === 'early-stopped') {
      if (!hasValidation)
        at(
          'method',
          'early-stopped needs validation targets and images: add a validation block and dataset.validationSize'
        )
      else if (!source.track?.transfer)
        at(
          'from',
          `early-stopped reads the validation transfer of every epoch of "${d.from}": set its "track": { "transfer": true }`
        )
    }
    if (d.method === 'swa') {
      if (source.recipe.minimizer.id !== 'sgd')
        at(
          'from',
          `swa averages an SGD run (the paper's SWA): "${d.from}" trains with ${source.recipe.minimizer.id}; use the wasam minimizer for SAM + averaging`
        )
      if (d.averageStart !== undefined && d.averageStart > source.recipe.epochs)
        at(
          'averageStart',
          `averageStart ${d.averageStart} is past the last epoch of "${d.from}" (${source.recipe.epochs})`
        )
    } else if (d.averageStart !== undefined)
      at('averageStart', 'averageStart applies to method "swa" only')
  })
  return issues
}
