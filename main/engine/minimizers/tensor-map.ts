/**
 * Named tensors that mirror the trainable weights `w` (gradients, perturbations, averages), and the
 * global reductions of training spec §0: ‖·‖ and ⟨·,·⟩ run over the concatenation of every tensor.
 * Every function returns new tensors the caller disposes; none of them reads values back to the CPU.
 */
import * as tf from '@tensorflow/tfjs-core'

export type TensorMap = Map<string, tf.Tensor>

/** Global L2 norm over all tensors of the map. */
export function globalNorm(m: TensorMap): tf.Scalar {
  return tf.tidy(
    () => tf.sqrt(tf.addN([...m.values()].map((t) => tf.sum(tf.square(t))))) as tf.Scalar
  )
}

/** Global dot product ⟨a, b⟩; `b` must hold every name of `a`. */
export function globalDot(a: TensorMap, b: TensorMap): tf.Scalar {
  return tf.tidy(
    () =>
      tf.addN(
        [...a].map(([name, t]) => tf.sum(tf.mul(t, entry(b, name, 'globalDot'))))
      ) as tf.Scalar
  )
}

/** Applies `f` to each tensor (with its name), inside one tidy per tensor. */
export function mapTensors(m: TensorMap, f: (t: tf.Tensor, name: string) => tf.Tensor): TensorMap {
  const out: TensorMap = new Map()
  for (const [name, t] of m)
    out.set(
      name,
      tf.tidy(() => f(t, name))
    )
  return out
}

/** A copy of the current values of the variables, for restoring by copy (spec §1.3). */
export function snapshot(variables: Map<string, tf.Variable>): TensorMap {
  return mapTensors(variables, (v) => tf.clone(v))
}

/** Writes `values` back into the variables (exact copies, so the restore is bitwise). */
export function assignAll(variables: Map<string, tf.Variable>, values: TensorMap): void {
  for (const [name, v] of variables) v.assign(entry(values, name, 'assignAll'))
}

/** w ← w + e for every variable. */
export function addInPlace(variables: Map<string, tf.Variable>, e: TensorMap): void {
  for (const [name, v] of variables)
    tf.tidy(() => v.assign(tf.add(v, entry(e, name, 'addInPlace'))))
}

/** Disposes every tensor of the maps once, even when a map shares a tensor with another. */
export function disposeMaps(...maps: (TensorMap | undefined)[]): void {
  const seen = new Set<tf.Tensor>()
  for (const m of maps) for (const t of m?.values() ?? []) seen.add(t)
  tf.dispose([...seen])
}

export function entry(m: TensorMap, name: string, where: string): tf.Tensor {
  const t = m.get(name)
  if (!t) throw new Error(`Error in ${where}: no tensor for "${name}"`)
  return t
}
