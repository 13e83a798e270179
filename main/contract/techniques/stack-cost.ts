/**
 * Forward-backward passes per example of a stack (spec attacks.md §2.5, attacks-more.md §1.4), composed
 * from each entry's cost term: `passes(t) = E·c·K·n + extra(t)` with E oracle calls per iteration
 * (estimator), c copies per call (generator), K ensemble members and n LGV members per pass; a loop owner
 * (SVRE, CWA) replaces E·c·K; FIA adds its importance passes once per batch; ILA's stage 2 costs one
 * (partial) pass per step plus two forward passes. BIM costs 1.
 */
import { enabledIds } from './stack-rules'
import { techniqueEntry, type StackTechniqueId } from './registry'
import type { CostTerm } from './technique-entry'

type StackLike = Partial<Record<StackTechniqueId, unknown>>

/** Replaces presets (VMI, VNI) by what they expand to, so costs and the engine see plain techniques. */
export function expandPresets<S extends StackLike>(stack: S): S {
  let out: StackLike = stack
  for (const id of enabledIds(stack)) {
    const expand = techniqueEntry(id).expand
    if (!expand) continue
    const { [id]: params, ...rest } = out
    out = { ...rest, ...expand(params as Record<string, unknown>) }
  }
  return out as S
}

function terms(
  stack: StackLike
): { id: StackTechniqueId; term: CostTerm<unknown>; params: unknown }[] {
  const plain = expandPresets(stack)
  return enabledIds(plain).map((id) => ({
    id,
    term: techniqueEntry(id).cost as CostTerm<unknown>,
    params: plain[id]
  }))
}

function product(stack: StackLike, kind: 'copies' | 'calls' | 'members'): number {
  let value = 1
  for (const { term, params } of terms(stack)) if (term.kind === kind) value *= term.value(params)
  return value
}

/** Passes per example at iteration t of the main loop (ILA's stage 1). */
export function attackCostPerIteration(stack: StackLike, t: number): number {
  const copies = product(stack, 'copies')
  const members = product(stack, 'members')
  const owner = terms(stack).find((x) => x.term.kind === 'loop')
  let passes =
    owner && owner.term.kind === 'loop'
      ? owner.term.value(owner.params, copies, members)
      : product(stack, 'calls') * copies * members
  for (const { term, params } of terms(stack))
    if (term.kind === 'extra') passes += term.value(params, t) * members
  return passes
}

/** Passes per example done once per batch, whatever the number of steps (FIA's importance). */
export function attackCostPerBatch(stack: StackLike): number {
  let passes = 0
  for (const { term, params } of terms(stack))
    if (term.kind === 'per-batch') passes += term.value(params)
  return passes
}

/** Total passes per example over `steps` iterations, ILA's two stages and FIA's importance included. */
export function attackCost(stack: StackLike, steps: number): number {
  const ila = terms(stack).find((x) => x.term.kind === 'pipeline')
  const pipeline =
    ila && ila.term.kind === 'pipeline' ? ila.term.stage1Steps(ila.params, steps) : steps
  let total = attackCostPerBatch(stack)
  for (let t = 0; t < pipeline; t++) total += attackCostPerIteration(stack, t)
  // ILA's stage 2: one pass per step (stopped at the layer, counted whole) and two forward passes for Δ″.
  if (stack.ila !== undefined) total += steps - pipeline + 2
  return total
}
