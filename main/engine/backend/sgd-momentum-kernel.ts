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
import { registerArrayKernel, type KernelArrays } from './kernel-arrays'

export const SGD_MOMENTUM_KERNEL = 'FlatlineSgdMomentum'

export interface SgdMomentumAttrs {
  count: number
  lr: number
  momentum: number
  weightDecay: number
}

function update(
  arrays: KernelArrays,
  params: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }
): tf.TensorInfo[] {
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
    if (g.length !== w.length || b.length !== w.length)
      throw new Error(
        `Error in ${SGD_MOMENTUM_KERNEL}: weight ${i} has ${w.length} values, its gradient ${g.length}, its buffer ${b.length}`
      )
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

/** Registers the kernel for wasm and cpu (once); returns the backends this call registered it for. */
export function registerSgdMomentumKernel(): string[] {
  return registerArrayKernel(SGD_MOMENTUM_KERNEL, update)
}
