/**
 * Checks, before the first step, that the surrogate(s) provide what each enabled technique requires
 * (registry `requires`) and that the techniques may be combined (stack-rules.ts): a named feature layer
 * for ILA and FIA, at least two members of one input shape for an ensemble, slots and conflicts, norms
 * and targeted mode. Each message names the technique and the field. (GN's and SGM's skips are checked
 * in attack-loop.ts with a probe pass.)
 */
import { budgetProblems, stackProblems } from '../../contract/techniques/stack-rules'
import type { Classifier } from '../models/classifier'
import type { AttackConfig } from './attack-config'
import { resolveFeatureLayer } from './feature-layers'

export function checkTechniqueRequirements(models: Classifier[], config: AttackConfig): void {
  const stack = config as unknown as Record<string, unknown>
  const problem = [
    ...stackProblems(stack),
    ...budgetProblems(stack, {
      norm: config.norm,
      targeted: config.targeted === true,
      steps: config.steps
    })
  ][0]
  if (problem) throw new Error(problem.message)
  if (config.ens) {
    const members = config.ens.members
    if (members.length < 2)
      throw new Error(
        `ens.members: an ensemble needs at least 2 surrogates, got ${members.length}: add another surrogate or remove "ens"`
      )
    const [first] = members
    const odd = members.find(
      (m) =>
        m.config.inputShape.join('×') !== first.config.inputShape.join('×') ||
        m.config.numClasses !== first.config.numClasses
    )
    if (odd)
      throw new Error(
        `ens.members: members must share one input shape and label space, but a ${odd.config.arch} takes ${odd.config.inputShape.join('×')} images with ${odd.config.numClasses} classes ` +
          `and a ${first.config.arch} ${first.config.inputShape.join('×')} with ${first.config.numClasses}`
      )
  }
  for (const id of ['ila', 'fia'] as const) {
    const settings = config[id]
    if (settings) for (const model of models) resolveFeatureLayer(model, settings.layer, id)
  }
}
