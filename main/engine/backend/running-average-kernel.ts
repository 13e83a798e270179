/**
 * Every batch-norm running statistic of a step in one kernel launch: r ← (1−m)·r + m·s·batch,
 * with s the batch value's scale (the variance's n/(n−1); 1 when `scales` leaves it out).
 *
 * The op form is two multiplies and an add per statistic, two statistics per layer, and the
 * variance's scale one more per layer: 63 launches per small-resnet training step (9 layers), each
 * costing the engine's dispatch for a few dozen values. Rounded to float32 where the op form
 * rounds (`Math.fround`), so the result is bit for bit the op-by-op one. Inputs r0…, x0… (running
 * values, batch values); outputs the new running values. Registered for wasm and cpu; other
 * backends keep the op form.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerArrayKernel, type KernelArrays } from './kernel-arrays'

export const RUNNING_AVERAGE_KERNEL = 'FlatlineRunningAverage'

export interface RunningAverageAttrs {
  count: number
  momentum: number
  /** Per statistic, the factor its batch value is multiplied by first (default 1: none). */
  scales?: number[]
}

function update(
  arrays: KernelArrays,
  params: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }
): tf.TensorInfo[] {
  const { count, momentum, scales } = params.attrs as unknown as RunningAverageAttrs
  const input = (name: string): tf.TensorInfo => {
    const info = params.inputs[name]
    if (!info) throw new Error(`Error in ${RUNNING_AVERAGE_KERNEL}: input '${name}' is missing`)
    return info
  }
  // Allocate every output before taking any view: an allocation may grow (and detach) the wasm heap.
  const outs = Array.from({ length: count }, (_, i) => arrays.alloc(input(`r${i}`).shape))
  const f = Math.fround
  // tfjs turns a JS number into a float32 scalar before multiplying by it; so do we.
  const [keep, take] = [f(1 - momentum), f(momentum)]
  for (let i = 0; i < count; i++) {
    const r = arrays.read(input(`r${i}`))
    const x = arrays.read(input(`x${i}`))
    if (x.length !== r.length)
      throw new Error(
        `Error in ${RUNNING_AVERAGE_KERNEL}: statistic ${i} has ${r.length} values, its batch value ${x.length}`
      )
    const out = outs[i].values()
    const scale = scales?.[i] ?? 1
    if (scale === 1) for (let k = 0; k < r.length; k++) out[k] = f(f(r[k] * keep) + f(x[k] * take))
    else {
      // As tf.mul(x, scale) first: the scale a float32 scalar, the product rounded.
      const s = f(scale)
      for (let k = 0; k < r.length; k++) out[k] = f(f(r[k] * keep) + f(f(x[k] * s) * take))
    }
  }
  return outs.map((o) => o.info)
}

/** Registers the kernel for wasm and cpu (once); returns the backends this call registered it for. */
export function registerRunningAverageKernel(): string[] {
  return registerArrayKernel(RUNNING_AVERAGE_KERNEL, update)
}
