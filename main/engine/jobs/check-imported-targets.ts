/**
 * Before an audit trains anything: the import check (check-target.ts) of every imported target, on
 * a seeded sample of the audit's own test images.
 *
 * A target whose check warns (near chance, or another usual preprocessing clearly better than the
 * declared one) stops the audit, naming the target, both accuracies and the fix, unless it says
 * `"acceptCheck": true`; then the warning is returned for the run page, the CLI and the report.
 */
import type { AuditSpec, ImportedTargetSpec } from '../../contract/audit-spec'
import type { RunWarning } from '../../contract/run-record'
import type { PartialPreprocessing } from '../../contract/target-zoo'
import type { ImageDataset } from '../data/dataset'
import { checkTarget } from '../targets/check-target'

/** Test images each imported target is checked on, as in the zoo's check. */
export const AUDIT_CHECK_SAMPLE = 500

/** An imported target whose check warned, in a spec that did not accept it: the audit does not start. */
export class TargetCheckRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TargetCheckRefusedError'
  }
}

/** The fix as spec fields: `"mean": [0.286], "std": [0.353]`, or `no "mean"` for a field to remove. */
export function fixAsSpecFields(fix: PartialPreprocessing): string {
  return Object.entries(fix)
    .map(([key, value]) =>
      value === undefined ? `no "${key}"` : `"${key}": ${JSON.stringify(value)}`
    )
    .join(', ')
}

/** Names of the spec's imported targets (test and validation). */
export function importedNames(spec: AuditSpec): Set<string> {
  return new Set(
    [...(spec.importedTargets ?? []), ...(spec.validation?.importedTargets ?? [])].map(
      (t) => t.name
    )
  )
}

export async function checkImportedTargets(
  spec: AuditSpec,
  dataset: ImageDataset
): Promise<RunWarning[]> {
  const targets: [string, ImportedTargetSpec[]][] = [
    ['importedTargets', spec.importedTargets ?? []],
    ['validation.importedTargets', spec.validation?.importedTargets ?? []]
  ]
  const warnings: RunWarning[] = []
  const refusals: string[] = []
  for (const [where, list] of targets)
    for (const target of list) {
      const result = await checkTarget(
        {
          format: target.format,
          path: target.path,
          preprocessing: target.preprocessing,
          dataset: spec.dataset,
          sampleSize: AUDIT_CHECK_SAMPLE,
          seed: spec.seed
        },
        dataset
      )
      if (!result.warning) continue
      const about = `imported target "${target.name}" (${where})`
      if (target.acceptCheck) {
        warnings.push({
          model: target.name,
          kind: 'target-check',
          message: `${about}, accepted with acceptCheck: ${result.warning.message}`
        })
        continue
      }
      const fix = result.warning.fix
        ? `Set ${fixAsSpecFields(result.warning.fix)} in its preprocessing`
        : 'Fix its preprocessing or the model'
      refusals.push(
        `${about}: ${result.warning.message} ${fix}, or add "acceptCheck": true to audit it as declared.`
      )
    }
  if (refusals.length > 0)
    throw new TargetCheckRefusedError(`The audit did not start: ${refusals.join('\n')}`)
  return warnings
}
