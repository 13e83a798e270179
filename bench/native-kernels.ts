/**
 * `npm run bench:native [-- --quick]`: the native oneDNN kernels against wasm's own, side by side
 * in one process (the native switch flips between them), interleaved over several rounds.
 *
 * 1. Per kernel: the heavy kernel calls one training step really makes (recorded, then replayed
 *    on random inputs) for small-cnn and small-resnet (width 16, 28×28×1, batch 64) and
 *    ResNet-18 (32×32×3, batch 16): wasm ms, native ms, and wasm / native (the speed-up).
 * 2. Whole steps: an SGD training step and a BIM step (one input gradient and update, batch 100)
 *    with and without the native kernels.
 * 3. Per-call overhead on tiny shapes in CPU time, against a tiny `add` (tfjs's own dispatch
 *    cost) and the addon called alone, and the first call of a new shape (oneDNN builds and
 *    JIT-compiles its primitive, then caches it).
 *
 * Medians over the rounds, with [min–max]. The load average is printed: on a busy machine, label
 * the figures (loaded). Figures, not assertions: CI does not run this.
 */
import { loadavg } from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
import { bimAttack } from '../main/engine/attacks/bim'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { loadNativeAddon } from '../main/engine/backend/native/native-addon'
import { convParams, LINEAR } from '../main/engine/backend/native/native-params'
import { setNativeKernelsEnabled } from '../main/engine/backend/native/native-switch'
import { heapBytes, heapOffset } from '../main/engine/backend/native/wasm-heap'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { Rng } from '../main/engine/data/rng'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { Classifier } from '../main/engine/models/classifier'
import type { StatUpdate } from '../main/engine/models/forward-context'
import { crossEntropy } from '../main/engine/training/cross-entropy'
import { SgdMomentum } from '../main/engine/training/sgd-step'
import { recordKernelCalls, type RecordedCall } from './native/record-kernel-calls'

const quick = process.argv.includes('--quick')
const ROUNDS = quick ? 3 : 7
const MIN_MS = quick ? 40 : 100

if ((await initBackend({ prefer: ['wasm-native'] })) !== 'wasm-native') {
  throw new Error('the native kernels did not load: build them with `npm run build:native`')
}
console.log(
  `backend: ${backendDescription()}, tfjs ${tf.version_core}; ${ROUNDS} interleaved rounds`
)
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (above ~1 on this machine: label the figures (loaded))`
)

interface Workload {
  label: string
  arch: 'small-cnn' | 'small-resnet' | 'resnet-18'
  width: number
  input: [number, number, number]
  batch: number
  /** Fewer rounds where one wasm step takes seconds. */
  rounds: number
}

const WORKLOADS: Workload[] = [
  {
    label: 'small-cnn w16 28×28×1 b64',
    arch: 'small-cnn',
    width: 16,
    input: [28, 28, 1],
    batch: 64,
    rounds: ROUNDS
  },
  {
    label: 'small-resnet w16 28×28×1 b64',
    arch: 'small-resnet',
    width: 16,
    input: [28, 28, 1],
    batch: 64,
    rounds: ROUNDS
  },
  ...(quick
    ? []
    : [
        {
          label: 'ResNet-18 32×32×3 b16',
          arch: 'resnet-18',
          width: 64,
          input: [32, 32, 3],
          batch: 16,
          rounds: 3
        } as Workload
      ])
]

/** Milliseconds per call of `f`, repeated until MIN_MS has passed (at least once). */
function timePerCall(f: () => void): number {
  const start = performance.now()
  let calls = 0
  do {
    f()
    calls++
  } while (performance.now() - start < MIN_MS)
  return (performance.now() - start) / calls
}

/** CPU milliseconds per call of `f` (this process's user + system time: less load-dependent than wall time). */
function cpuPerCall(f: () => void): number {
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  let calls = 0
  do {
    f()
    calls++
  } while (performance.now() - start < MIN_MS)
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / 1000 / calls
}

/** Runs `wasm` and `native` alternately for ROUNDS rounds; their per-round times. */
function interleaved(
  run: () => void,
  measure: (f: () => void) => number = timePerCall,
  rounds = ROUNDS
): { wasm: number[]; native: number[] } {
  const wasm: number[] = []
  const native: number[] = []
  for (let r = 0; r < rounds; r++) {
    for (const on of r % 2 === 0 ? [false, true] : [true, false]) {
      setNativeKernelsEnabled(on)
      run() // warm-up: the first native call of a shape builds its primitive
      ;(on ? native : wasm).push(measure(run))
    }
  }
  setNativeKernelsEnabled(true)
  return { wasm, native }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const ms = (x: number): string =>
  x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toFixed(3)
const ratio = (w: number[], n: number[]): string => {
  const rs = w.map((x, i) => x / n[i])
  return `${median(rs).toFixed(2)} [${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}]`
}

function buildModel(w: Workload): Classifier {
  return buildClassifier(
    {
      arch: w.arch,
      width: w.width,
      inputShape: w.input,
      numClasses: 10,
      normalization: { mean: [0.5], std: [0.25] }
    },
    new Rng(1)
  )
}

function trainingStep(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  optimizer: SgdMomentum
): () => void {
  return () => {
    const statUpdates: StatUpdate[] = []
    const trainable = [...model.params.trainable.values()]
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.forward(x, { training: true, statUpdates }), y),
      trainable
    )
    const byName = new Map<string, tf.Tensor>()
    for (const [name, v] of model.params.trainable) byName.set(name, grads[v.name])
    optimizer.step(model.params.trainable, byName, 0.01)
    tf.dispose([
      value,
      ...Object.values(grads),
      ...statUpdates.flatMap((u) => [u.batchMean, u.batchVariance])
    ])
    trainable[0].dataSync()
  }
}

// 1. Per kernel.
const kernelRows: string[] = []
const totals: string[] = []
for (const w of WORKLOADS) {
  const model = buildModel(w)
  const x = tf.randomUniform([w.batch, ...w.input], 0, 1, 'float32', 1) as tf.Tensor4D
  const y = tf.tensor1d(
    Array.from({ length: w.batch }, (_, i) => i % 10),
    'int32'
  )
  const optimizer = new SgdMomentum(0.9, 5e-4)
  const calls = recordKernelCalls(trainingStep(model, x, y, optimizer))
  let wasmTotal = 0
  let nativeTotal = 0
  const perRound = {
    wasm: Array<number>(w.rounds).fill(0),
    native: Array<number>(w.rounds).fill(0)
  }
  for (const call of calls) {
    const t = interleaved(() => replay(call), timePerCall, w.rounds)
    wasmTotal += median(t.wasm) * call.count
    nativeTotal += median(t.native) * call.count
    t.wasm.forEach((v, i) => (perRound.wasm[i] += v * call.count))
    t.native.forEach((v, i) => (perRound.native[i] += v * call.count))
    kernelRows.push(
      `| ${w.label} | ${call.kernel} | ${call.describe} | ${call.count} | ${ms(median(t.wasm))} | ${ms(median(t.native))} | ${ratio(t.wasm, t.native)} |`
    )
  }
  totals.push(
    `| ${w.label} | ${calls.reduce((n, c) => n + c.count, 0)} | ${ms(wasmTotal)} | ${ms(nativeTotal)} | ${ratio(perRound.wasm, perRound.native)} |`
  )
  tf.dispose([x, y])
  optimizer.dispose()
  model.params.dispose()
}

function replay(call: RecordedCall): void {
  tf.tidy(() => {
    const out = tf.engine().runKernel(call.kernel, call.tensors, call.attrs)
    tf.dispose(out as tf.Tensor | tf.Tensor[])
  })
}

console.log('\n### Heavy kernels of one training step: wasm vs native (ms per call)\n')
console.log(
  '| workload | kernel | shapes | calls / step | wasm ms | native ms | wasm / native |\n|---|---|---|---|---|---|---|'
)
for (const row of kernelRows) console.log(row)
console.log(
  '\n| workload | heavy calls / step | wasm ms / step | native ms / step | wasm / native |\n|---|---|---|---|---|'
)
for (const row of totals) console.log(row)

// 2. Whole steps.
console.log('\n### Whole steps with and without the native kernels (ms per step)\n')
console.log('| workload | step | wasm ms | native ms | wasm / native |\n|---|---|---|---|---|')
for (const w of WORKLOADS) {
  const model = buildModel(w)
  const x = tf.randomUniform([w.batch, ...w.input], 0, 1, 'float32', 1) as tf.Tensor4D
  const y = tf.tensor1d(
    Array.from({ length: w.batch }, (_, i) => i % 10),
    'int32'
  )
  const optimizer = new SgdMomentum(0.9, 5e-4)
  const train = interleaved(trainingStep(model, x, y, optimizer), timePerCall, w.rounds)
  console.log(
    `| ${w.label} | SGD training step | ${ms(median(train.wasm))} | ${ms(median(train.native))} | ${ratio(train.wasm, train.native)} |`
  )
  if (w.arch !== 'resnet-18') {
    const xb = tf.randomUniform([100, ...w.input], 0, 1, 'float32', 2) as tf.Tensor4D
    const yb = tf.tensor1d(
      Array.from({ length: 100 }, (_, i) => i % 10),
      'int32'
    )
    const bim = interleaved(() => {
      const adv = bimAttack(model, xb, yb, { eps: 16 / 255, stepSize: 1.6 / 255, steps: 1 })
      adv.dataSync()
      adv.dispose()
    })
    console.log(
      `| ${w.label.replace('b64', 'b100')} | BIM step (gradient + update) | ${ms(median(bim.wasm))} | ${ms(median(bim.native))} | ${ratio(bim.wasm, bim.native)} |`
    )
    tf.dispose([xb, yb])
  }
  tf.dispose([x, y])
  optimizer.dispose()
  model.params.dispose()
}

// 3. Per-call overhead.
console.log('\n### Per-call cost on tiny shapes (CPU µs per call, one thread)\n')
console.log('| call | wasm µs | native µs | wasm / native |\n|---|---|---|---|')
const tiny = {
  x: tf.ones([1, 2, 2, 1]) as tf.Tensor4D,
  w: tf.ones([1, 1, 1, 1]) as tf.Tensor4D,
  a: tf.ones([1, 1]) as tf.Tensor2D
}
const tinyCalls: [string, () => void][] = [
  [
    'add [1,1] + [1,1] (tfjs dispatch floor, never native)',
    () => tf.tidy(() => void tf.add(tiny.a, tiny.a))
  ],
  ['conv2d [1,2,2,1] * [1,1,1,1]', () => tf.tidy(() => void tf.conv2d(tiny.x, tiny.w, 1, 'same'))],
  ['matMul [1,1] · [1,1]', () => tf.tidy(() => void tf.matMul(tiny.a, tiny.a))],
  ['avgPool [1,2,2,1] 2×2', () => tf.tidy(() => void tf.avgPool(tiny.x, 2, 2, 'valid'))]
]
for (const [label, f] of tinyCalls) {
  const t = interleaved(f, cpuPerCall)
  console.log(
    `| ${label} | ${(median(t.wasm) * 1000).toFixed(1)} | ${(median(t.native) * 1000).toFixed(1)} | ${ratio(t.wasm, t.native)} |`
  )
}
// The addon alone: no tfjs dispatch, no output allocation, the same tiny conv.
const backend = tf.backend() as BackendWasm
const addon = loadNativeAddon()
const tinyOut = tf.zeros([1, 2, 2, 1])
const tinyInfo = tf.backend_util.computeConv2DInfo(
  [1, 2, 2, 1],
  [1, 1, 1, 1],
  1,
  1,
  'same',
  undefined,
  false,
  'channelsLast'
)
const tinyParams = convParams(tinyInfo, 1, LINEAR, 0, {
  src: heapOffset(backend, tiny.x),
  weights: heapOffset(backend, tiny.w),
  dst: heapOffset(backend, tinyOut),
  bias: -1
})
const direct = Array.from({ length: ROUNDS }, () =>
  cpuPerCall(() => addon.convForward(heapBytes(backend), tinyParams))
)
console.log(
  `| the addon's convForward alone (same tiny conv, no tfjs) | | ${(median(direct) * 1000).toFixed(1)} | |`
)
const firstCalls: number[] = []
for (let size = 5; size < 5 + ROUNDS; size++) {
  const x = tf.ones([2, size, size, 8]) as tf.Tensor4D
  const w = tf.ones([3, 3, 8, 8]) as tf.Tensor4D
  const t0 = performance.now()
  tf.tidy(() => tf.conv2d(x, w, 1, 'same').dataSync())
  firstCalls.push(performance.now() - t0)
  tf.dispose([x, w])
}
console.log(
  `\nFirst native call of a new conv shape (primitive creation + JIT, cached afterwards): ${ms(median(firstCalls))} ms [${ms(Math.min(...firstCalls))}–${ms(Math.max(...firstCalls))}]`
)
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')}`
)
