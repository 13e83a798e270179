/**
 * The fused Conv → BatchNormalization → Relu nodes (onnx/fuse-conv-units.ts) against the same
 * graphs run node by node, on the committed fixtures: the forward pass, the input gradient (what
 * attacks use) and the weight gradients with running-statistics batch norm (fine-tuning with batch
 * norm frozen, where the fold itself is differentiated) agree; the folded filters are kept between
 * passes until a weight changes (derived-weights.ts); and max pooling on the native kernels gives
 * the input gradient of the gradient written in forward ops (max-pool.ts).
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { KernelProfiler } from '../../../../bench/kernel-profiler'
import { nativeKernelActive } from '../../../../main/engine/backend/native/override-wasm-kernel'
import { setNativeKernelsEnabled } from '../../../../main/engine/backend/native/native-switch'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ForwardContext } from '../../../../main/engine/models/forward-context'
import { OnnxGraph } from '../../../../main/engine/onnx/onnx-graph'
import { readOnnxFile } from '../../../../main/engine/onnx/read-onnx-file'

const DIR = 'tests/fixtures/onnx-surrogates'

beforeAll(async () => {
  await initBackend()
})

/** Largest |a − b| relative to the largest |b|. */
function relativeMaxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(
    () =>
      tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(tf.max(tf.abs(b)).dataSync()[0], 1e-12)
  )
}

async function load(name: string, fuseConvUnits: boolean): Promise<OnnxGraph> {
  const file = `${DIR}/${name}.onnx`
  const { model, baseDir } = await readOnnxFile(file)
  return OnnxGraph.load(file, model, baseDir, { fuseConvUnits })
}

/** L = Σ r ⊙ logits for a fixed random r, on an NCHW batch. */
function loss(graph: OnnxGraph, x: tf.Tensor, forward: ForwardContext): tf.Scalar {
  const out = graph.run({ [graph.inputs[0].name]: x }, { forward, batchNorm: 'freeze' })[0].onnx()
  return tf.sum(tf.mul(out, tf.randomUniform(out.shape, -1, 1, 'float32', 5)))
}

describe.each([['resnet'], ['vgg-bn'], ['mobilenetv2']])('%s fixture, fused', (name) => {
  it('agrees with the node-by-node graph: logits, input gradient, weight gradients', async () => {
    const fused = await load(name, true)
    const plain = await load(name, false)
    try {
      expect(fused.nodes.length).toBeLessThan(plain.nodes.length)
      const x = tf.randomUniform([4, 1, 28, 28], 0, 1, 'float32', 3)
      const eval_: ForwardContext = { training: false }
      const logits = (g: OnnxGraph): tf.Tensor =>
        g.run({ [g.inputs[0].name]: x }, { forward: eval_, batchNorm: 'freeze' })[0].onnx()
      const inputGrad = (g: OnnxGraph): tf.Tensor =>
        tf.grad((input: tf.Tensor) => loss(g, input, eval_))(x)
      // Training with batch norm frozen: the fused path, with the fold on the tape.
      const weightGrads = (g: OnnxGraph): tf.Tensor[] => {
        const vars = [...g.params.trainable.values()]
        const { grads } = tf.variableGrads(() => loss(g, x, { training: true }), vars)
        return vars.map((v) => grads[v.name])
      }
      tf.tidy(() => {
        expect(relativeMaxDiff(logits(fused), logits(plain))).toBeLessThan(1e-5)
        expect(relativeMaxDiff(inputGrad(fused), inputGrad(plain))).toBeLessThan(1e-4)
        const a = weightGrads(fused)
        const b = weightGrads(plain)
        expect(a.length).toBe(b.length)
        const worst = Math.max(...a.map((g, i) => relativeMaxDiff(g, b[i])))
        expect(worst).toBeLessThan(1e-4)
      })
      x.dispose()
    } finally {
      fused.params.dispose()
      plain.params.dispose()
    }
  })
})

describe('folded filters kept between passes', () => {
  it('folds the filters once for passes on the same weights, and again after a weight changes', async () => {
    const fused = await load('resnet', true)
    const plain = await load('resnet', false)
    try {
      const x = tf.randomUniform([2, 1, 28, 28], 0, 1, 'float32', 6)
      const run = (g: OnnxGraph): tf.Tensor =>
        g
          .run({ [g.inputs[0].name]: x }, { forward: { training: false }, batchNorm: 'freeze' })[0]
          .onnx()
      // Launches of one pass by kernel, nested ones included (the fold runs inside a custom gradient).
      const launches = (g: OnnxGraph): ((kernel: string) => number) => {
        const profiler = new KernelProfiler()
        profiler.install(tf.getBackend())
        try {
          tf.tidy(() => {
            run(g)
          })
        } finally {
          profiler.uninstall()
        }
        const all = [...profiler.topLevel(), ...profiler.nestedStats()]
        return (kernel) => all.filter((k) => k.name === kernel).reduce((n, k) => n + k.launches, 0)
      }
      const tensors = tf.memory().numTensors
      const first = launches(fused)
      const second = launches(fused)
      // Conv weights are held as filters: no pass re-lays them out (the input, Flatten and Gemm transpose).
      expect(first('Transpose')).toBeLessThanOrEqual(3)
      expect(first('Multiply')).toBeGreaterThanOrEqual(15) // a fold per fused conv
      expect(second('Multiply')).toBeLessThanOrEqual(first('Multiply') - 15)
      expect(tf.memory().numTensors).toBe(tensors + 15) // the kept filters, nothing else
      // A weight assigned (as an optimizer step does): the next pass folds that conv again.
      const conv = fused.nodes.find((n) => n.opType === 'Conv')!.inputs[1]
      for (const g of [fused, plain]) {
        const v = g.variableOf(conv)!
        const next = tf.mul(v, 1.5)
        v.assign(next)
        next.dispose()
      }
      tf.tidy(() => {
        expect(relativeMaxDiff(run(fused), run(plain))).toBeLessThan(1e-5)
      })
      expect(tf.memory().numTensors).toBe(tensors + 15) // the stale filter replaced, not kept
      x.dispose()
    } finally {
      fused.params.dispose()
      plain.params.dispose()
    }
  })
})

describe('max pooling on the native kernels', () => {
  it("gives the input gradient of the importer's own max-pool gradient", async () => {
    if (!nativeKernelActive('MaxPoolGrad')) return // no addon built: the own gradient is the only path
    const graph = await load('vgg-bn', true)
    try {
      const x = tf.randomUniform([4, 1, 28, 28], 0, 1, 'float32', 4)
      const grad = (): tf.Tensor =>
        tf.grad((input: tf.Tensor) => loss(graph, input, { training: false }))(x)
      const native = grad()
      setNativeKernelsEnabled(false)
      let own: tf.Tensor
      try {
        own = grad()
      } finally {
        setNativeKernelsEnabled(true)
      }
      expect(relativeMaxDiff(native, own)).toBeLessThan(1e-4)
      tf.dispose([x, native, own])
    } finally {
      graph.params.dispose()
    }
  })
})
