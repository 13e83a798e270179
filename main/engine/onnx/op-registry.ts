/**
 * Every ONNX op the importer runs, by op type (default domain), and the ops that mark a model as
 * quantized. The claimed list is what the conformance run (tests/unit/engine/onnx) tests.
 */
import type { OpTable } from './op-types'
import { CONV_OPS } from './ops/conv'
import { ELEMENTWISE_OPS } from './ops/elementwise'
import { LINEAR_OPS } from './ops/linear'
import { NORMALIZATION_OPS } from './ops/normalization'
import { PAD_OPS } from './ops/pad'
import { POOL_OPS } from './ops/pool'
import { REDUCE_OPS } from './ops/reduce'
import { RESIZE_OPS } from './ops/resize'
import { SHAPE_OPS } from './ops/shape-ops'

export const OPS: OpTable = {
  ...ELEMENTWISE_OPS,
  ...CONV_OPS,
  ...POOL_OPS,
  ...NORMALIZATION_OPS,
  ...LINEAR_OPS,
  ...SHAPE_OPS,
  ...PAD_OPS,
  ...REDUCE_OPS,
  ...RESIZE_OPS
}

export const SUPPORTED_OPS: readonly string[] = Object.keys(OPS).sort()

/** The opsets of the default domain the importer reads. */
export const OPSET_RANGE = { min: 10, max: 20 } as const

/** Ops of integer (quantized) models: their weights are not float, so no gradient reaches them. */
export const QUANTIZED_OPS = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'QLinearConv',
  'QLinearMatMul',
  'QLinearAdd',
  'QLinearMul',
  'QLinearGlobalAveragePool',
  'ConvInteger',
  'MatMulInteger'
])
