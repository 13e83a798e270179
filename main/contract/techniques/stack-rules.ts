/**
 * The composition rules of a stack (spec attacks-more.md §1.3), read from the registry: one technique
 * per slot, the conflicts each entry lists (checked both ways), techniques that need an ensemble in
 * the stack, and the budget-dependent rules (norm, targeted mode, ILA's two stages). Each problem
 * names the technique, the field and what to do.
 */
import { STACK_TECHNIQUE_IDS, techniqueEntry, type StackTechniqueId } from './registry'

export interface StackProblem {
  /** Path under the stack (or under the attack for budget problems), e.g. ['emi'] or ['ila', 'stage1Steps']. */
  path: (string | number)[]
  message: string
}

type StackLike = Partial<Record<StackTechniqueId, unknown>>

export function enabledIds(stack: StackLike): StackTechniqueId[] {
  return STACK_TECHNIQUE_IDS.filter((id) => stack[id] !== undefined)
}

/** Problems of the stack alone: slots, conflicts, required companions, ensemble fusion. */
export function stackProblems(stack: StackLike): StackProblem[] {
  const problems: StackProblem[] = []
  const on = enabledIds(stack)
  const bySlot = new Map<string, StackTechniqueId>()
  for (const id of on) {
    const slot = techniqueEntry(id).slot
    if (!slot) continue
    const first = bySlot.get(slot)
    if (first)
      problems.push({
        path: [id],
        message: `${id} cannot be combined with ${first}: both fill the ${slot} slot (one ${slot} per stack): remove one of them`
      })
    else bySlot.set(slot, id)
  }
  for (const [i, a] of on.entries()) {
    for (const b of on.slice(i + 1)) {
      const reason = techniqueEntry(a).conflicts[b] ?? techniqueEntry(b).conflicts[a]
      if (reason)
        problems.push({ path: [b], message: `${b} cannot be combined with ${a}: ${reason}` })
    }
  }
  for (const id of on) {
    if (techniqueEntry(id).requires.ensemble && stack.ens === undefined)
      problems.push({
        path: [id],
        message: `${id} attacks an ensemble: add "ens": { "members": [two or more surrogates] } to the stack, or remove "${id}"`
      })
  }
  const fusion = (stack.ens as { fusion?: string } | undefined)?.fusion
  if (fusion === 'probs')
    for (const id of ['logit', 'margin'] as const)
      if (stack[id] !== undefined)
        problems.push({
          path: ['ens', 'fusion'],
          message: `ens.fusion "probs" cannot be combined with ${id}: the ${id} loss needs logits: use fusion "logits" or "loss"`
        })
  return problems
}

export interface StackBudget {
  norm: 'linf' | 'l2'
  targeted: boolean
  steps: number
}

/** Problems that depend on the attack's budget: norms, targeted mode, ILA's stage split. */
export function budgetProblems(stack: StackLike, budget: StackBudget): StackProblem[] {
  const problems: StackProblem[] = []
  for (const id of enabledIds(stack)) {
    const entry = techniqueEntry(id)
    if (!entry.norms.includes(budget.norm))
      problems.push({
        path: ['stack', id],
        message: `${id} supports only ${entry.norms.map((n) => (n === 'linf' ? 'L∞' : 'L2')).join(' and ')} in this version: set norm "linf" or remove "${id}"`
      })
    if (budget.targeted && entry.targeted === 'rejected')
      problems.push({
        path: ['stack', id],
        message: `${id} cannot run in targeted mode (its weights are for the true class): set targeted false or remove "${id}"`
      })
  }
  const ila = stack.ila as { stage1Steps?: number } | undefined
  if (ila?.stage1Steps !== undefined && ila.stage1Steps >= budget.steps)
    problems.push({
      path: ['stack', 'ila', 'stage1Steps'],
      message: `ila.stage1Steps must be < steps (${budget.steps}) so stage 2 has steps left: lower it or leave it out (T/2)`
    })
  return problems
}
