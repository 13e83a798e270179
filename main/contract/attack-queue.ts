/**
 * The attack queue of an audit: every stack to run, in order, with its row label and surrogates.
 *
 * A spec gives either one `attack` or a queue `attacks`; `attackQueue` turns both into the same
 * list so the engine, the report and the UI never branch on the two forms. Every stack attacks the
 * same examples with the same seed rule, so their rates compare row by row in one heatmap.
 */
import { describeStack } from './attack-stack'
import { attackOfEntry, type AttackSpec, type AuditSpec } from './audit-spec'

export interface QueuedAttack {
  /** Row label: the entry's `label`, else its stack's short name ("BIM + DI + MI"), made unique. */
  label: string
  attack: AttackSpec
  /** Names of the surrogates to attack from (all of the audit's when the entry lists none). */
  surrogates: string[]
}

/** The normalised queue: one entry for a spec with only `attack`, else one per `attacks` entry. */
export function attackQueue(
  spec: Pick<AuditSpec, 'attack' | 'attacks' | 'surrogates'> &
    Partial<Pick<AuditSpec, 'derivedSurrogates'>>
): QueuedAttack[] {
  // Derived surrogates (early-stopped, SWA) are attacked after the trained ones.
  const all = [...spec.surrogates, ...(spec.derivedSurrogates ?? [])].map((s) => s.name)
  if (!spec.attacks)
    return [{ label: describeStack(spec.attack.stack), attack: spec.attack, surrogates: all }]
  // Given labels are kept as they are (the contract rejects duplicates); default labels yield to them.
  const taken = new Set(spec.attacks.flatMap((e) => (e.label === undefined ? [] : [e.label])))
  return spec.attacks.map((entry) => {
    let label = entry.label
    if (label === undefined) {
      const base = describeStack(entry.stack)
      label = base
      for (let n = 2; taken.has(label); n++) label = `${base} (${n})`
      taken.add(label)
    }
    // Spec order, whatever order the entry lists them in, so rows follow the surrogate list.
    return {
      label,
      attack: attackOfEntry(entry),
      surrogates: entry.surrogates ? all.filter((n) => entry.surrogates?.includes(n)) : all
    }
  })
}

/** Whether cells come from several stacks, so rows need the stack label next to the surrogate. */
export function hasSeveralStacks(cells: readonly { attack?: string }[]): boolean {
  return new Set(cells.map((c) => c.attack ?? '')).size > 1
}

/** Row label of a (stack, surrogate) pair: "BIM + MI · surrogate-cnn", or the surrogate alone for one stack. */
export function transferRowLabel(
  cell: { attack?: string; surrogate: string },
  severalStacks: boolean
): string {
  return severalStacks && cell.attack ? `${cell.attack} · ${cell.surrogate}` : cell.surrogate
}
