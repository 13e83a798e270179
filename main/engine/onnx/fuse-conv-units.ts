/**
 * Finds the Conv → BatchNormalization → Relu chains of a graph (batch norm and ReLU each optional)
 * and replaces each by one node that runs it as a single fused conv (ops/conv-unit.ts). A link is
 * fused only where nothing else can see the value between the two nodes: it feeds just the next
 * node of the chain and is not a graph output. Convs fused: 2-D, one group, no dilation (the
 * others keep their own node).
 */
import type { GraphNode } from './onnx-graph'
import type { OpNode } from './op-types'
import { convUnitImplementation, convUnitInputs, type ConvUnitParts } from './ops/conv-unit'

type ParamShape = (value: string) => number[] | undefined

function fusableConv(node: GraphNode, paramShape: ParamShape): boolean {
  if (node.opType !== 'Conv' || !node.inputs[1]) return false
  const kernel = node.attrs.ints('kernel_shape')
  const rank2 = kernel ? kernel.length === 2 : paramShape(node.inputs[1])?.length === 4
  return (
    rank2 &&
    node.attrs.int('group', 1) === 1 &&
    (node.attrs.ints('dilations') ?? [1, 1]).every((d) => d === 1)
  )
}

/** A batch norm whose four parameters are initializers (so the fused node can read them where the conv runs). */
function plainBatchNorm(node: GraphNode, paramShape: ParamShape): boolean {
  return (
    node.opType === 'BatchNormalization' &&
    node.inputs.length >= 5 &&
    node.inputs.slice(1, 5).every((i) => paramShape(i) !== undefined) &&
    node.outputs.filter((o) => o).length === 1 &&
    !(node.opset >= 14 && node.attrs.int('training_mode', 0) === 1)
  )
}

/**
 * `nodes` in topological order; `graphOutputs` the values the graph returns; `paramShape` the
 * shape of an initializer (undefined for a value computed by a node).
 */
export function fuseConvUnits(
  nodes: GraphNode[],
  graphOutputs: string[],
  paramShape: ParamShape
): GraphNode[] {
  const readers = new Map<string, GraphNode[]>()
  for (const n of nodes)
    for (const i of n.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), n])
  const visible = new Set(graphOutputs)
  /** The single node reading `node`'s only output, when the value is seen nowhere else. */
  const soleReader = (node: GraphNode): GraphNode | undefined => {
    const out = node.outputs[0]
    if (!out || node.outputs.length !== 1 || visible.has(out)) return undefined
    const r = readers.get(out) ?? []
    return r.length === 1 && r[0].inputs.indexOf(out) === 0 ? r[0] : undefined
  }
  const fused = new Map<GraphNode, GraphNode>() // first node of a chain → the fused node
  const absorbed = new Set<OpNode>()
  for (const conv of nodes) {
    if (!fusableConv(conv, paramShape)) continue
    const parts: ConvUnitParts = { conv }
    let last: GraphNode = conv
    const next = soleReader(conv)
    if (next && plainBatchNorm(next, paramShape)) {
      parts.batchNorm = next
      last = next
    }
    const after = soleReader(last)
    if (after?.opType === 'Relu') {
      parts.relu = after
      last = after
    }
    if (last === conv && !conv.inputs[2]) continue // a lone conv: nothing to fuse
    fused.set(conv, {
      ...conv,
      inputs: convUnitInputs(parts),
      outputs: last.outputs,
      impl: convUnitImplementation(parts)
    })
    if (parts.batchNorm) absorbed.add(parts.batchNorm)
    if (parts.relu) absorbed.add(parts.relu)
  }
  return nodes.filter((n) => !absorbed.has(n)).map((n) => fused.get(n) ?? n)
}
