/**
 * One kernel launch for the whole SGD-momentum update (training spec §1.1), over every weight:
 *
 *   d = g + λ·w;  buf = μ·buf + d;  w = w − η·buf
 *
 * The op-by-op form costs six launches per weight tensor (a small CNN: ~80 of a step's ~400) and
 * five passes over memory; this is one launch and one pass, reading each weight, gradient and buffer
 * once. Each intermediate is rounded to float32 (`Math.fround`) exactly where a float32 op would
 * round, so the result is bit for bit the op-by-op one.
 *
 * Inputs are named w0…, g0…, b0… (weights, gradients, momentum buffers); outputs are the new
 * weights then the new buffers, fresh tensors the caller assigns. Registered for wasm (reading and
 * writing the wasm heap directly) and cpu (its plain arrays); other backends keep the op form.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

export const SGD_MOMENTUM_KERNEL = 'FlatlineSgdMomentum'

export interface SgdMomentumAttrs {
  count: number
  lr: number
  momentum: number
  weightDecay: number
}

type Arrays = { read(info: tf.TensorInfo): Float32Array; alloc(shape: number[]): { info: tf.TensorInfo; values: () => Float32Array } }

function update(params: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }, arrays: Arrays): tf.TensorInfo[] {
  const { count, lr, momentum, weightDecay } = params.attrs as unknown as SgdMomentumAttrs
  const input = (name: string): tf.TensorInfo => {
    const info = params.inputs[name]
    if (!info) throw new Error(`Error in ${SGD_MOMENTUM_KERNEL}: input '${name}' is missing`)
    return info
  }
  // Allocate every output before taking any view: an allocation may grow (and detach) the wasm heap.
  const outW = Array.from({ length: count }, (_, i) => arrays.alloc(input(`w${i}`).shape))
  const outB = Array.from({ length: count }, (_, i) => arrays.alloc(input(`w${i}`).shape))
  const f = Math.fround
  // tfjs turns a JS number into a float32 scalar before multiplying by it; so do we.
  const [mu, eta, lambda] = [f(momentum), f(lr), f(weightDecay)]
  for (let i = 0; i < count; i++) {
    const w = arrays.read(input(`w${i}`))
    const g = arrays.read(input(`g${i}`))
    const b = arrays.read(input(`b${i}`))
    if (g.length !== w.length || b.length !== w.length) throw new Error(`Error in ${SGD_MOMENTUM_KERNEL}: weight ${i} has ${w.length} values, its gradient ${g.length}, its buffer ${b.length}`)
    const nw = outW[i].values()
    const nb = outB[i].values()
    for (let k = 0; k < w.length; k++) {
      const d = lambda > 0 ? f(g[k] + f(w[k] * lambda)) : g[k]
      const next = f(f(b[k] * mu) + d)
      nb[k] = next
      nw[k] = f(w[k] - f(next * eta))
    }
  }
  return [...outW.map((o) => o.info), ...outB.map((o) => o.info)]
}

interface CpuBackendLike extends tf.KernelBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } }
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo
}

/** Registers the kernel for wasm and cpu (once); returns the backends this call registered it for. */
export function registerSgdMomentumKernel(): string[] {
  const added: string[] = []
  if (tf.getKernel(SGD_MOMENTUM_KERNEL, 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: SGD_MOMENTUM_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const wasm = backend as BackendWasm
        return update({ inputs, attrs }, {
          read: (info) => wasm.typedArrayFromHeap(info) as Float32Array,
          alloc: (shape) => {
            const info = wasm.makeOutput(shape, 'float32')
            return { info, values: () => wasm.typedArrayFromHeap(info) as Float32Array }
          }
        })
      }
    })
    added.push('wasm')
  }
  if (tf.getKernel(SGD_MOMENTUM_KERNEL, 'cpu') === undefined) {
    tf.registerKernel({
      kernelName: SGD_MOMENTUM_KERNEL,
      backendName: 'cpu',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const cpu = backend as CpuBackendLike
        return update({ inputs, attrs }, {
          read: (info) => cpu.data.get(info.dataId).values,
          alloc: (shape) => {
            const values = new Float32Array(tf.util.sizeFromShape(shape))
            return { info: cpu.makeTensorInfo(shape, 'float32', values), values: () => values }
          }
        })
      }
    })
    added.push('cpu')
  }
  return added
}
