/**
 * Every claimed op's gradient against finite differences, on ONNX's own node tests: the gradient of
 * L = Σ r ⊙ output₀ (r fixed and random) with respect to every float data input, projected on a
 * random direction v, must match (L(x + εv) − L(x − εv)) / 2ε. Ops with no float data input
 * (Shape, Constant) are listed as such; Gelu, which Debian's onnx 1.12 has no tests for, gets its own.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { EVAL } from '../../../../main/engine/models/forward-context'
import { OnnxGraph } from '../../../../main/engine/onnx/onnx-graph'
import {
  decodeModel,
  decodeTensor,
  type ModelMessage
} from '../../../../main/engine/onnx/onnx-proto'
import { readTensor } from '../../../../main/engine/onnx/onnx-tensor'
import { OPS, SUPPORTED_OPS } from '../../../../main/engine/onnx/op-registry'
import { generateNodeTests, testsOfOp, type NodeTest } from './node-conformance'

const dir = mkdtempSync(join(tmpdir(), 'onnx-grad-tests-'))
let tests: NodeTest[] = []
const NOT_DIFFERENTIABLE = ['Shape', 'Constant']
/** tfjs 4.22's wasm Conv3DBackprop kernels are wrong: 3-D convs run forward only there (none of ours is an image classifier's). */
const WASM_3D = ['test_convtranspose_3d']

beforeAll(async () => {
  await initBackend()
  tests = generateNodeTests(dir)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Seeded uniform values in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return (s / 2 ** 32) * 2 - 1
  })
}

/** Largest |analytic − numeric| directional derivative error, relative to max(1, |numeric|); undefined when nothing is differentiable. */
function gradientError(
  model: ModelMessage,
  file: string,
  feeds: Record<string, tf.Tensor>,
  opType: string
): number | undefined {
  const graph = OnnxGraph.load(file, model, dir, { opsets: { min: 1, max: 20 } })
  try {
    const node = graph.nodes[0]
    const impl = OPS[opType]
    const variable = node.inputs.filter(
      (name, i) =>
        name &&
        feeds[name]?.dtype === 'float32' &&
        feeds[name].size > 0 &&
        !impl.staticInputs?.includes(i) &&
        !impl.statInputs?.includes(i)
    )
    if (!variable.length) return undefined
    return tf.tidy(() => {
      const loss = (...xs: tf.Tensor[]): tf.Scalar => {
        const all = { ...feeds }
        variable.forEach((name, i) => (all[name] = xs[i]))
        const out = graph.run(all, { forward: EVAL, batchNorm: 'freeze' })[0].onnx()
        return tf.sum(tf.mul(out, tf.tensor(noise(out.size, 7), out.shape)))
      }
      // A small jitter moves inputs off kinks (ReLU's 0, ties in a max window), where differences are not derivatives.
      const xs = variable.map((name, i) =>
        tf.add(
          feeds[name],
          tf.mul(tf.tensor(noise(feeds[name].size, 31 + i), feeds[name].shape), 1e-3)
        )
      )
      const grads = tf.grads(loss)(xs)
      // A sparse direction (8 coordinates per input): a max-type op rarely switches its winner along it.
      const directions = xs.map((x, i) =>
        tf.tensor(
          noise(x.size, 11 + i).map((v, k) =>
            (k * 7919 + i) % Math.max(1, Math.floor(x.size / 8)) === 0 ? v : 0
          ),
          x.shape
        )
      )
      const eps = 1e-3
      const plus = xs.map((x, i) => tf.add(x, tf.mul(directions[i], eps)))
      const minus = xs.map((x, i) => tf.sub(x, tf.mul(directions[i], eps)))
      // The step actually taken in float32 (at 10⁴, softmax_large_number's scale, eps is one ulp).
      const analytic =
        grads.reduce(
          (s, g, i) => s + tf.sum(tf.mul(g, tf.sub(plus[i], minus[i]))).dataSync()[0],
          0
        ) /
        (2 * eps)
      const numeric = (loss(...plus).dataSync()[0] - loss(...minus).dataSync()[0]) / (2 * eps)
      return Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric))
    })
  } finally {
    graph.params.dispose()
  }
}

function feedsOf(test: NodeTest, model: ModelMessage): Record<string, tf.Tensor> {
  const data = join(test.dir, 'test_data_set_0')
  const files = readdirSync(data)
  const feeds: Record<string, tf.Tensor> = {}
  ;(model.graph?.input ?? []).forEach((input, i) => {
    if (!files.includes(`input_${i}.pb`)) return
    const t = readTensor(decodeTensor(new Uint8Array(readFileSync(join(data, `input_${i}.pb`)))))
    feeds[input.name ?? ''] = tf.tensor(t.values, t.shape, t.dtype)
  })
  return feeds
}

describe('gradient of every claimed op matches finite differences', () => {
  it.each(
    SUPPORTED_OPS.filter((op) => op !== 'Gelu' && !NOT_DIFFERENTIABLE.includes(op)).map((op) => [
      op
    ])
  )('%s', (op) => {
    let checked = 0
    const wrong: string[] = []
    for (const test of testsOfOp(tests, op)) {
      if (WASM_3D.includes(test.name) && tf.getBackend() === 'wasm') continue
      const file = join(test.dir, 'model.onnx')
      const model = decodeModel(new Uint8Array(readFileSync(file)))
      if ([...(model.graph?.input ?? [])].some((v) => !v.type?.tensor_type)) continue
      const feeds = feedsOf(test, model)
      const error = gradientError(model, file, feeds, op)
      tf.dispose(Object.values(feeds))
      if (error === undefined) continue
      checked++
      if (!(error < 2e-2)) wrong.push(`${test.name}: relative error ${error}`)
    }
    expect(wrong).toEqual([])
    expect(checked).toBeGreaterThan(0)
  })

  it.each([['none'], ['tanh']])('Gelu (approximate %s), on a graph of its own', (approximate) => {
    const model: ModelMessage = {
      ir_version: 9,
      opset_import: [{ domain: '', version: 20 }],
      graph: {
        node: [
          {
            op_type: 'Gelu',
            input: ['x'],
            output: ['y'],
            name: 'gelu',
            attribute: [{ name: 'approximate', type: 3, s: new TextEncoder().encode(approximate) }]
          }
        ],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 1 } } }],
        output: [{ name: 'y', type: { tensor_type: { elem_type: 1 } } }]
      }
    }
    const x = tf.tensor(
      noise(24, 3).map((v) => v * 3),
      [2, 3, 4]
    )
    const error = gradientError(model, 'gelu.onnx', { x }, 'Gelu')
    x.dispose()
    expect(error).toBeLessThan(2e-2)
  })

  it('Shape and Constant have no float input to differentiate', () => {
    for (const op of NOT_DIFFERENTIABLE) expect(OPS[op]).toBeDefined()
  })
})
