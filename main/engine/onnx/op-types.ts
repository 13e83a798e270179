/**
 * What an op implementation gives the graph: how to run a node with tfjs ops, which inputs are
 * read as numbers (shapes, indices, scales: never weights), which are batch-norm running
 * statistics, and an import-time check of the node's attributes.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from '../models/forward-context'
import type { DerivedWeights } from './derived-weights'
import type { GraphValue } from './graph-value'
import type { NodeAttributes } from './node-attributes'

export interface OpNode {
  name: string
  opType: string
  inputs: string[]
  outputs: string[]
  attrs: NodeAttributes
  /** The model's opset version of the default domain. */
  opset: number
}

export interface OpRun {
  node: OpNode
  forward: ForwardContext
  /** Batch-norm statistics during training: batch statistics and running updates, or running statistics kept. */
  batchNorm: 'update' | 'freeze'
  /** Where the graph keeps tensors derived from its weights between passes (derived-weights.ts). */
  derived?: DerivedWeights
}

export interface OpImplementation {
  /** Input positions read as host numbers at run time; initializers there stay constants. */
  staticInputs?: number[]
  /** Input positions that hold batch-norm running statistics (buffers, not weights). */
  statInputs?: number[]
  /** Why this node cannot be run (an attribute value or opset not implemented), or undefined. */
  check?(node: OpNode): string | undefined
  run(inputs: (GraphValue | undefined)[], run: OpRun): GraphValue[]
}

export type OpTable = Record<string, OpImplementation>

/** The input at `index`, or an error naming the node when a required input is missing. */
export function required(
  inputs: (GraphValue | undefined)[],
  index: number,
  node: OpNode
): GraphValue {
  const v = inputs[index]
  if (!v) throw new Error(`${node.opType} node "${node.name}" needs input ${index}`)
  return v
}

export type Tensor = tf.Tensor
