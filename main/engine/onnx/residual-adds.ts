/**
 * Finds the residual additions of an imported graph, where GN scales the shortcut and SGM scales
 * the gradient of the residual branch: Add nodes whose two operands both come from the graph's
 * input. When one operand is an ancestor of the other it is an identity shortcut (y = x + F(x));
 * otherwise the operand reached through fewer nodes from their nearest common ancestor is a
 * projection shortcut (y = P(x) + F(x)), which SGM leaves alone as on built-in ResNets.
 */
import type { OpNode } from './op-types'

export interface ResidualAdd {
  /** The Add node's name (its output's name when unnamed): the block name attacks see. */
  block: string
  /** Which Add operand is the shortcut. */
  shortcut: 0 | 1
  identity: boolean
}

/** `nodes` in topological order; `variable` tells whether a value depends on the graph input. */
export function findResidualAdds(
  nodes: OpNode[],
  variable: (value: string) => boolean
): Map<OpNode, ResidualAdd> {
  const producer = new Map<string, OpNode>()
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n)
  // Distance (in nodes) from each variable value back to each of its ancestors, memoised per value.
  const distances = new Map<string, Map<string, number>>()
  const distancesOf = (value: string): Map<string, number> => {
    const known = distances.get(value)
    if (known) return known
    const result = new Map<string, number>([[value, 0]])
    distances.set(value, result)
    const node = producer.get(value)
    for (const input of node?.inputs ?? []) {
      if (!input || !variable(input)) continue
      for (const [ancestor, d] of distancesOf(input)) {
        const prev = result.get(ancestor)
        if (prev === undefined || d + 1 < prev) result.set(ancestor, d + 1)
      }
    }
    return result
  }
  const found = new Map<OpNode, ResidualAdd>()
  for (const node of nodes) {
    if (node.opType !== 'Add' || node.inputs.length !== 2) continue
    const [a, b] = node.inputs
    if (!a || !b || a === b || !variable(a) || !variable(b)) continue
    const block = node.name || node.outputs[0]
    const da = distancesOf(a)
    const db = distancesOf(b)
    if (db.has(a)) found.set(node, { block, shortcut: 0, identity: true })
    else if (da.has(b)) found.set(node, { block, shortcut: 1, identity: true })
    else {
      // Nearest common ancestor: the shared one with the smallest total distance.
      let best: { ta: number; tb: number } | undefined
      for (const [ancestor, ta] of da) {
        const tb = db.get(ancestor)
        if (tb !== undefined && (!best || ta + tb < best.ta + best.tb)) best = { ta, tb }
      }
      if (best && best.ta !== best.tb)
        found.set(node, { block, shortcut: best.ta < best.tb ? 0 : 1, identity: false })
    }
  }
  return found
}
