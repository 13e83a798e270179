/**
 * Runs ONNX's own backend node tests (generated from Debian's python3-onnx) through the importer:
 * each test's single-op model with its input tensors, compared with its expected outputs at
 * ONNX's backend-test tolerance (rtol 1e-3), atol 1e-5 for float32 arithmetic.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { EVAL } from '../../../../main/engine/models/forward-context'
import { OnnxGraph } from '../../../../main/engine/onnx/onnx-graph'
import { OPSET_RANGE } from '../../../../main/engine/onnx/op-registry'
import { decodeModel, decodeTensor } from '../../../../main/engine/onnx/onnx-proto'
import { readTensor, type HostTensor } from '../../../../main/engine/onnx/onnx-tensor'

export interface NodeTest {
  name: string
  dir: string
  ops: string[]
}

export interface NodeTestResult {
  test: string
  op: string
  /** `not-applicable`: the test feeds sequences or optionals, which are not tensors an image model carries. */
  outcome: 'passed' | 'failed' | 'not-applicable'
  message?: string
}

/** The node tests of `op`: those whose model uses that op alone. */
export function testsOfOp(tests: NodeTest[], op: string): NodeTest[] {
  return tests.filter((t) => t.ops.length === 1 && t.ops[0] === op)
}

/** Per claimed op: passed, not applicable and failed counts, as the README's table shows them. */
export function conformanceTable(results: NodeTestResult[], ops: readonly string[]): string {
  const rows = ops.map((op) => {
    const mine = results.filter((r) => r.op === op)
    const count = (o: NodeTestResult['outcome']) => mine.filter((r) => r.outcome === o).length
    const na = count('not-applicable')
    if (mine.length === 0) return `| ${op} | none: Debian's onnx 1.12 predates it (opset 20) | |`
    return `| ${op} | ${count('passed')}/${mine.length - na} |${na ? ` ${na} (sequence/optional types)` : ''} |`
  })
  return ['| Op | Node tests passed | Not applicable |', '| --- | --- | --- |', ...rows].join('\n')
}

/** Generates every node test into `out` (a few seconds) and lists them with their op types. */
export function generateNodeTests(out: string): NodeTest[] {
  const listing = execFileSync(
    '/usr/bin/python3',
    [fileURLToPath(new URL('../../../../scripts/onnx-node-tests.py', import.meta.url)), out],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
  )
  return listing
    .trim()
    .split('\n')
    .map((line) => {
      const [name, ...ops] = line.split(' ')
      return { name, dir: join(out, 'node', name), ops }
    })
}

function readPb(file: string): HostTensor {
  return readTensor(decodeTensor(new Uint8Array(readFileSync(file))))
}

function compare(actual: tf.Tensor, expected: HostTensor, name: string): string | undefined {
  const shape = actual.shape
  if (shape.join(',') !== expected.shape.join(','))
    return `${name}: shape [${shape}] ≠ expected [${expected.shape}]`
  const got = actual.dataSync()
  for (let i = 0; i < got.length; i++) {
    const e = Number(expected.values[i])
    const a = Number(got[i])
    if (Number.isNaN(e) && Number.isNaN(a)) continue
    if (!(Math.abs(a - e) <= 1e-5 + 1e-3 * Math.abs(e)))
      return `${name}[${i}]: ${a} ≠ expected ${e}`
  }
  return undefined
}

/** Runs one node test; the op is the test's only op type. */
export function runNodeTest(test: NodeTest): NodeTestResult {
  const op = test.ops[0]
  const dataDir = join(test.dir, 'test_data_set_0')
  try {
    const model = decodeModel(new Uint8Array(readFileSync(join(test.dir, 'model.onnx'))))
    const nonTensor = [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])].find(
      (v) => !v.type?.tensor_type
    )
    if (nonTensor)
      return {
        test: test.name,
        op,
        outcome: 'not-applicable',
        message: `"${nonTensor.name}" is not a tensor`
      }
    const graph = OnnxGraph.load(join(test.dir, 'model.onnx'), model, test.dir, {
      opsets: { min: 1, max: OPSET_RANGE.max }
    })
    try {
      const files = readdirSync(dataDir)
      const inputNames = (model.graph?.input ?? []).map((i) => i.name ?? '')
      const message = tf.tidy(() => {
        const feeds: Record<string, tf.Tensor> = {}
        inputNames.forEach((name, i) => {
          if (!files.includes(`input_${i}.pb`)) return
          const t = readPb(join(dataDir, `input_${i}.pb`))
          feeds[name] = tf.tensor(t.values, t.shape, t.dtype)
        })
        const outputs = graph.run(feeds, { forward: EVAL, batchNorm: 'freeze' })
        for (let i = 0; i < outputs.length; i++) {
          if (!files.includes(`output_${i}.pb`)) continue
          const problem = compare(
            outputs[i].onnx(),
            readPb(join(dataDir, `output_${i}.pb`)),
            `output ${i}`
          )
          if (problem) return problem
        }
        return undefined
      })
      return { test: test.name, op, outcome: message === undefined ? 'passed' : 'failed', message }
    } finally {
      graph.params.dispose()
    }
  } catch (err) {
    return {
      test: test.name,
      op,
      outcome: 'failed',
      message: err instanceof Error ? err.message : String(err)
    }
  }
}
