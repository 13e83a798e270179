/**
 * An ONNX graph built from tfjs ops, with its initializers as tfjs variables.
 *
 * Loading checks the whole graph before anything runs (opset, every op and attribute, quantized
 * ops), then turns initializers into `ModelParams`: float weights read at a data input of every
 * node using them are trainable, batch-norm running statistics are buffers (named `…/moving_mean`
 * and `…/moving_variance` like the built-in nets, so BN recomputation finds them), and everything
 * else (shapes, indices, scales, Constant nodes) is a non-trainable buffer. `run` executes the
 * nodes in order on a feed; residual Add nodes call the attack hooks of `ForwardContext`.
 */
import * as tf from '@tensorflow/tfjs-core'
import '../training/register-gradients'
import { Rng } from '../data/rng'
import type { ForwardContext } from '../models/forward-context'
import { OnnxParams } from './derived-weights'
import { GraphValue } from './graph-value'
import { NodeAttributes } from './node-attributes'
import { OnnxImportError } from './onnx-import-error'
import { int64, type GraphMessage, type ModelMessage, type TensorMessage } from './onnx-proto'
import { readTensor, TensorReadError, type HostTensor } from './onnx-tensor'
import { OPS, OPSET_RANGE, QUANTIZED_OPS, SUPPORTED_OPS } from './op-registry'
import type { OpImplementation, OpNode } from './op-types'
import { findResidualAdds, type ResidualAdd } from './residual-adds'
import { fuseConvUnits } from './fuse-conv-units'
import { constantValue } from './ops/shape-ops'

export interface GraphNode extends OpNode {
  domain: string
  impl: OpImplementation
}

export interface GraphInput {
  name: string
  elemType: number
  /** Declared dimensions: a number, a symbolic name, or undefined. */
  dims: (number | string | undefined)[]
}

export interface LoadOptions {
  /**
   * Opsets accepted (default 10–20). ONNX's node tests declare the opset their op version was
   * introduced in (GlobalAveragePool: 1), so the conformance run accepts older ones.
   */
  opsets?: { min: number; max: number }
  /**
   * Run Conv → BatchNormalization → Relu chains as single fused convs (default true); off, every
   * node runs on its own, as the graph lists them (a test compares the two).
   */
  fuseConvUnits?: boolean
}

export interface RunOptions {
  forward: ForwardContext
  batchNorm: 'update' | 'freeze'
}

/** How an initializer is used: as weight data, as batch-norm statistics (mean or variance), or as static numbers. */
type Use = 'data' | 'mean' | 'variance' | 'static'

/** The parts of a loaded model that do not change with the weights, shared by every copy of the graph. */
interface GraphStructure {
  file: string
  opset: number
  nodes: GraphNode[]
  inputs: GraphInput[]
  outputs: string[]
  /**
   * Initializer (or Constant output) → its param name, whether it is trainable, its ONNX shape, and
   * whether it is held as a conv filter ([kh, kw, in, out], not ONNX's [out, in, kh, kw]).
   */
  params: Map<string, { param: string; trainable: boolean; shape: number[]; filter: boolean }>
  /** Identity outputs of an initializer, made weights of their own (output → initializer). */
  untied: Map<string, string>
  residualAdds: Map<OpNode, ResidualAdd>
}

export class OnnxGraph {
  private constructor(
    readonly structure: GraphStructure,
    readonly params: OnnxParams
  ) {}

  get file(): string {
    return this.structure.file
  }

  get inputs(): GraphInput[] {
    return this.structure.inputs
  }

  get outputs(): string[] {
    return this.structure.outputs
  }

  get nodes(): GraphNode[] {
    return this.structure.nodes
  }

  /** The residual Add blocks, in graph order. */
  get residualBlocks(): ResidualAdd[] {
    return [...this.structure.residualAdds.values()]
  }

  /**
   * Intermediate layers ILA and FIA can tap, in graph order: the outputs of the residual Add nodes
   * (block outputs) and of the pools (stage outputs of plain CNNs), by node name.
   */
  get featureLayers(): string[] {
    return this.structure.nodes
      .filter((n) => this.structure.residualAdds.has(n) || FEATURE_OPS.has(n.opType))
      .map((n) => n.name)
  }

  /** Checks and builds a graph; throws OnnxImportError naming the file and node on any problem. */
  static load(
    file: string,
    model: ModelMessage,
    baseDir: string,
    options: LoadOptions = {}
  ): OnnxGraph {
    const opset = checkOpset(file, model, options.opsets ?? OPSET_RANGE)
    const graph = model.graph as GraphMessage
    let nodes = checkNodes(file, graph, opset)
    if ((graph.sparse_initializer ?? []).length)
      throw new OnnxImportError(
        file,
        'the model has sparse initializers, which the importer does not read.'
      )
    const params = new OnnxParams(new Rng(0))
    try {
      const initializers = new Map<string, HostTensor>()
      for (const t of graph.initializer ?? [])
        initializers.set(t.name ?? '', readInitializer(file, t, baseDir))
      // PyTorch's exporter stores equal parameters once and re-creates the others with Identity nodes
      // (e.g. two BN biases that feed one Add and so never differ); each becomes its own weight again,
      // so fine-tuning updates them as PyTorch would.
      const untied = nodes.filter(
        (n) =>
          n.opType === 'Identity' &&
          initializers.has(n.inputs[0]) &&
          !isGraphInput(graph, n.inputs[0])
      )
      for (const n of untied)
        initializers.set(n.outputs[0], initializers.get(n.inputs[0]) as HostTensor)
      nodes = nodes.filter((n) => !untied.includes(n))
      const uses = usesOf(nodes)
      const filters = convFilters(nodes)
      const paramInfo: GraphStructure['params'] = new Map()
      for (const [name, host] of initializers) {
        const use = uses.get(name) ?? new Set<Use>()
        const trainable =
          host.dtype === 'float32' &&
          host.values.length > 1 &&
          use.size > 0 &&
          [...use].every((u) => u === 'data')
        const param = use.has('mean')
          ? `${name}/moving_mean`
          : use.has('variance')
            ? `${name}/moving_variance`
            : name
        // A conv weight is held as tfjs's filter ([kh, kw, in, out]): no pass re-lays it out.
        const filter = host.dtype === 'float32' && host.shape.length === 4 && filters.has(name)
        const value = tf.tensor(host.values, host.shape, host.dtype)
        params.adopt(param, filter ? tf.transpose(value, [2, 3, 1, 0]) : value, trainable)
        if (filter) value.dispose()
        paramInfo.set(name, { param, trainable, shape: host.shape, filter })
      }
      // Constant nodes are evaluated once, as buffers.
      const running: GraphNode[] = []
      for (const node of nodes) {
        if (node.opType !== 'Constant') {
          running.push(node)
          continue
        }
        const value = withNode(file, node, () => constantValue(node.attrs, baseDir))
        params.adopt(node.outputs[0], value.tensor, false)
        paramInfo.set(node.outputs[0], {
          param: node.outputs[0],
          trainable: false,
          shape: value.shape,
          filter: false
        })
      }
      const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(inputOf)
      const constant = new Set(paramInfo.keys())
      const outputs = (graph.output ?? []).map((o) => o.name ?? '')
      const structure: GraphStructure = {
        file,
        opset,
        untied: new Map(untied.map((n) => [n.outputs[0], n.inputs[0]])),
        nodes:
          options.fuseConvUnits === false
            ? running
            : fuseConvUnits(running, outputs, (v) => paramInfo.get(v)?.shape),
        inputs,
        outputs,
        params: paramInfo,
        // On the nodes as exported: fusing shortens branches, which would change the distances.
        residualAdds: findResidualAdds(running, (v) => !constant.has(v))
      }
      return new OnnxGraph(structure, params)
    } catch (err) {
      params.dispose()
      throw err
    }
  }

  /** A copy over the same structure with new variables holding the current values. */
  copy(): OnnxGraph {
    const params = new OnnxParams(new Rng(0))
    for (const [name, v] of this.params.trainable) params.adopt(name, tf.clone(v), true)
    for (const [name, v] of this.params.buffers) params.adopt(name, tf.clone(v), false)
    return new OnnxGraph(this.structure, params)
  }

  /** The variable or buffer behind an initializer name (a conv weight as a [kh, kw, in, out] filter). */
  variableOf(initializer: string): tf.Variable | undefined {
    const info = this.structure.params.get(initializer)
    if (!info) return undefined
    return (info.trainable ? this.params.trainable : this.params.buffers).get(info.param)
  }

  /** An initializer's current value in ONNX's layout, read back (for export). */
  readOnnx(
    initializer: string
  ): { shape: number[]; dtype: tf.DataType; values: tf.TypedArray } | undefined {
    const variable = this.variableOf(initializer)
    if (!variable) return undefined
    const filter = this.structure.params.get(initializer)?.filter ?? false
    return tf.tidy(() => {
      const t = filter ? tf.transpose(variable, [3, 2, 0, 1]) : variable
      return { shape: t.shape, dtype: t.dtype, values: t.dataSync() }
    })
  }

  /** Runs every node on `feeds` (input name → tensor in ONNX layout); returns the graph outputs. */
  run(feeds: Record<string, tf.Tensor | GraphValue>, options: RunOptions): GraphValue[] {
    const values = new Map<string, GraphValue>()
    for (const [name, info] of this.structure.params)
      values.set(name, new GraphValue(this.variableOf(name) as tf.Tensor, false, info.filter))
    for (const [name, t] of Object.entries(feeds))
      values.set(name, t instanceof GraphValue ? t : new GraphValue(t))
    const { forward } = options
    for (const node of this.structure.nodes) {
      const inputs = node.inputs.map((name) => {
        if (!name) return undefined
        const v = values.get(name)
        if (!v)
          throw new OnnxImportError(
            this.file,
            `${node.opType} node "${node.name}" reads "${name}", which no node or input provides.`
          )
        return v
      })
      const residual = this.structure.residualAdds.get(node)
      if (residual && (forward.transformSkip || forward.transformResidual))
        applyResidualHooks(inputs as GraphValue[], residual, forward)
      const outputs = withNode(this.file, node, () =>
        node.impl.run(inputs, {
          node,
          forward,
          batchNorm: options.batchNorm,
          derived: this.params.derived
        })
      )
      if (
        forward.tapFeature &&
        outputs[0] &&
        (this.structure.residualAdds.has(node) || FEATURE_OPS.has(node.opType))
      )
        outputs[0] = tapped(outputs[0], node.name, forward.tapFeature)
      node.outputs.forEach((name, i) => {
        if (name && outputs[i]) values.set(name, outputs[i])
      })
    }
    return this.structure.outputs.map((name) => {
      const v = values.get(name)
      if (!v) throw new OnnxImportError(this.file, `the graph output "${name}" is never computed.`)
      return v
    })
  }
}

/** Pools whose outputs are feature layers. */
const FEATURE_OPS = new Set(['MaxPool', 'AveragePool'])

/** A layer's value after an attack's tap (NHWC for image tensors, as built-in nets give it). */
function tapped(
  value: GraphValue,
  layer: string,
  tap: NonNullable<ForwardContext['tapFeature']>
): GraphValue {
  if (value.rank === 4) return new GraphValue(tap(layer, value.nhwcTensor()), true)
  return new GraphValue(tap(layer, value.onnx()))
}

/** A rank-2/3 value seen as [N, 1, T, C] (channels last), so the attack hooks see channels on axis 3. */
function asHookTensor(v: GraphValue): { t: tf.Tensor4D; back: (t: tf.Tensor4D) => GraphValue } {
  if (v.rank === 4) return { t: v.nhwcTensor(), back: (t) => new GraphValue(t, true) }
  const shape = v.shape
  const channels = shape[shape.length - 1]
  const t = v.onnx().reshape([shape[0], 1, -1, channels]) as tf.Tensor4D
  return { t, back: (out) => new GraphValue(out.reshape(shape)) }
}

function applyResidualHooks(
  inputs: GraphValue[],
  residual: ResidualAdd,
  forward: ForwardContext
): void {
  const s = residual.shortcut
  const r = (1 - s) as 0 | 1
  if (forward.transformSkip) {
    const { t, back } = asHookTensor(inputs[s])
    inputs[s] = back(forward.transformSkip(residual.block, t))
  }
  if (forward.transformResidual) {
    const { t, back } = asHookTensor(inputs[r])
    inputs[r] = back(forward.transformResidual(residual.block, t, residual.identity))
  }
}

function withNode<T>(file: string, node: OpNode, f: () => T): T {
  try {
    return f()
  } catch (err) {
    if (err instanceof OnnxImportError) throw err
    throw new OnnxImportError(
      file,
      `${node.opType} node "${node.name}" failed: ${err instanceof Error ? err.message : String(err)}`
    )
  }
}

function checkOpset(
  file: string,
  model: ModelMessage,
  range: { min: number; max: number }
): number {
  const entry = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')
  if (!entry)
    throw new OnnxImportError(file, 'the model declares no opset of the default ONNX domain.')
  const opset = int64(entry.version)
  if (opset < range.min || opset > range.max)
    throw new OnnxImportError(
      file,
      `the model uses opset ${opset}; the importer reads opsets ${range.min}–${range.max}. Re-export it with an opset in that range.`
    )
  return opset
}

function checkNodes(file: string, graph: GraphMessage, opset: number): GraphNode[] {
  const raw = graph.node ?? []
  const quantized = raw.find((n) => QUANTIZED_OPS.has(n.op_type ?? ''))
  if (quantized)
    throw new OnnxImportError(
      file,
      `the model is quantized (op ${quantized.op_type}, node "${quantized.name ?? ''}"): its weights are integers, so no gradient reaches ` +
        'them and it cannot be a surrogate. Use its float export as a surrogate; the quantized file can still be an imported target.'
    )
  const nodes: GraphNode[] = raw.map((n, i) => {
    const opType = n.op_type ?? ''
    return {
      name: n.name || `${opType}_${i}`,
      opType,
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attrs: new NodeAttributes(n),
      opset,
      impl: OPS[opType]
    }
  })
  const unsupported = nodes.filter((n) => !n.impl || (n.domain !== '' && n.domain !== 'ai.onnx'))
  if (unsupported.length) {
    const first = unsupported[0]
    const kinds = [...new Set(unsupported.map((n) => n.opType))]
    throw new OnnxImportError(
      file,
      `unsupported op ${first.domain && first.domain !== 'ai.onnx' ? `${first.domain}.` : ''}${first.opType} (node "${first.name}")` +
        `${kinds.length > 1 ? `, and ${kinds.length - 1} more (${kinds.slice(1).join(', ')})` : ''}. ` +
        `The importer runs ${SUPPORTED_OPS.join(', ')}. Re-export the model without it, or import it as a target only.`
    )
  }
  for (const node of nodes) {
    const problem = node.impl.check?.(node)
    if (problem)
      throw new OnnxImportError(
        file,
        `op ${node.opType} (node "${node.name}") uses ${problem}, which the importer does not support.`
      )
  }
  return topologicalOrder(file, nodes, graph)
}

/** ONNX requires sorted nodes; some exporters do not comply, so sort when needed. */
function topologicalOrder(file: string, nodes: GraphNode[], graph: GraphMessage): GraphNode[] {
  const known = new Set<string>([
    ...(graph.input ?? []).map((i) => i.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    ''
  ])
  const ordered: GraphNode[] = []
  let pending = nodes
  while (pending.length) {
    const ready = pending.filter((n) => n.inputs.every((i) => known.has(i)))
    if (!ready.length) {
      const stuck = pending[0]
      const missing = stuck.inputs.find((i) => !known.has(i))
      throw new OnnxImportError(
        file,
        `${stuck.opType} node "${stuck.name}" reads "${missing}", which no node, input or initializer provides (or the graph has a cycle).`
      )
    }
    for (const n of ready) {
      ordered.push(n)
      for (const o of n.outputs) known.add(o)
    }
    pending = pending.filter((n) => !ready.includes(n))
  }
  return ordered
}

/** Values read only as the weight of 2-D, one-group Convs: held as tfjs filters. */
function convFilters(nodes: GraphNode[]): Set<string> {
  const conv = new Set<string>()
  const other = new Set<string>()
  for (const node of nodes)
    node.inputs.forEach((name, i) => {
      if (!name) return
      const asFilter =
        node.opType === 'Conv' &&
        i === 1 &&
        node.attrs.int('group', 1) === 1 &&
        (node.attrs.ints('kernel_shape')?.length ?? 2) === 2
      ;(asFilter ? conv : other).add(name)
    })
  return new Set([...conv].filter((name) => !other.has(name)))
}

function usesOf(nodes: GraphNode[]): Map<string, Set<Use>> {
  const uses = new Map<string, Set<Use>>()
  for (const node of nodes)
    node.inputs.forEach((name, i) => {
      if (!name) return
      const use: Use = node.impl.statInputs?.includes(i)
        ? i === node.impl.statInputs[0]
          ? 'mean'
          : 'variance'
        : node.impl.staticInputs?.includes(i)
          ? 'static'
          : 'data'
      const set = uses.get(name) ?? new Set<Use>()
      set.add(use)
      uses.set(name, set)
    })
  return uses
}

function isGraphInput(graph: GraphMessage, name: string): boolean {
  return (
    (graph.input ?? []).some((i) => i.name === name) &&
    !(graph.initializer ?? []).some((t) => t.name === name)
  )
}

function readInitializer(file: string, t: TensorMessage, baseDir: string): HostTensor {
  try {
    return readTensor(t, baseDir)
  } catch (err) {
    if (err instanceof TensorReadError)
      throw new OnnxImportError(file, `initializer ${err.message}.`)
    throw err
  }
}

function inputOf(info: {
  name?: string
  type?: {
    tensor_type?: {
      elem_type?: number
      shape?: { dim?: { dim_value?: unknown; dim_param?: string }[] }
    }
  }
}): GraphInput {
  const tensorType = info.type?.tensor_type
  return {
    name: info.name ?? '',
    elemType: tensorType?.elem_type ?? 0,
    dims: (tensorType?.shape?.dim ?? []).map((d) =>
      d.dim_value !== undefined ? int64(d.dim_value as number) : d.dim_param || undefined
    )
  }
}
