/**
 * The surrogate of one attack row: a trained surrogate alone (with the stack minus its ensemble
 * techniques), or the ensemble of several, named "ensemble(a, b, c)" (ensemble-rows.ts).
 */
import type { AttackSpec } from '../../../contract/audit-spec'
import { ensembleRowName, withoutEnsemble } from '../../../contract/techniques/ensemble-rows'
import type { NamedModel } from '../../evaluation/transfer-evaluation'
import type { Classifier } from '../../models/classifier'
import { ensembleClassifier } from './ensemble-classifier'

export interface RowSurrogate {
  surrogate: NamedModel
  /** The attack this row runs. */
  attack: AttackSpec
  /** The ensemble's members, for `measureTransfer`'s `ensembleMembers`. */
  ensembleMembers?: Classifier[]
}

export async function loadRowSurrogate(
  row: { surrogate: string; members?: string[] },
  attack: AttackSpec,
  load: (name: string) => Promise<Classifier>
): Promise<RowSurrogate> {
  const ens = attack.stack.ens
  if (!row.members || !ens)
    return {
      surrogate: { name: row.surrogate, model: await load(row.surrogate) },
      attack: withoutEnsemble(attack)
    }
  const members: Classifier[] = []
  for (const name of row.members) members.push(await load(name))
  const model = ensembleClassifier(members, { fusion: ens.fusion, weights: ens.weights })
  return {
    surrogate: { name: ensembleRowName(row.members), model },
    attack,
    ensembleMembers: members
  }
}
