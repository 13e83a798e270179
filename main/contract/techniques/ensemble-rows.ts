/**
 * The rows an ensemble stack adds to an audit. A stack with `ens` attacks from each of its surrogates
 * alone, with the stack's other techniques (the ensemble techniques Ens, SVRE and CWA left out), and
 * from the ensemble as one, so the heatmap's "ensemble(a, b, c)" row compares with each member's own
 * row on the same examples and seeds.
 */
import type { AttackSpec } from '../audit-spec'

/** One attack row of a queued stack: a surrogate alone, or the ensemble of `members`. */
export interface AttackRow {
  /** The row's surrogate label: a surrogate's name, or "ensemble(a, b, c)". */
  surrogate: string
  /** The ensemble's members (absent for a single surrogate). */
  members?: string[]
}

const ENSEMBLE_TECHNIQUES = ['ens', 'svre', 'cwa'] as const

export function ensembleRowName(members: readonly string[]): string {
  return `ensemble(${members.join(', ')})`
}

/** A file-system-safe id for the ensemble row (task ids, export folders). */
export function ensembleSlug(members: readonly string[]): string {
  return `ensemble-${members.join('-')}`.replace(/[^A-Za-z0-9._-]/g, '_')
}

/** The rows of a stack attacking from `surrogates`: each alone, then the ensemble when the stack has one. */
export function attackRows(
  attack: Pick<AttackSpec, 'stack'>,
  surrogates: readonly string[]
): AttackRow[] {
  const rows: AttackRow[] = surrogates.map((surrogate) => ({ surrogate }))
  const members = attack.stack.ens?.members
  if (members) rows.push({ surrogate: ensembleRowName(members), members: [...members] })
  return rows
}

/** The attack a single surrogate's row runs: the stack without its ensemble techniques. */
export function withoutEnsemble<A extends Pick<AttackSpec, 'stack'>>(attack: A): A {
  const stack = { ...attack.stack }
  for (const id of ENSEMBLE_TECHNIQUES) delete stack[id]
  return { ...attack, stack }
}

/** The row's id part in task ids and export folders: the surrogate's name, or the ensemble's slug. */
export function attackRowId(row: AttackRow): string {
  return row.members ? ensembleSlug(row.members) : row.surrogate
}
