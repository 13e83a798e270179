/**
 * Tensors an imported graph derives from its weights on every pass (a conv's filter re-laid out
 * to tfjs's [kh, kw, in, out], with the batch norm folded in), kept between passes while the
 * weights they come from are unchanged, and the graph's `ModelParams` that dispose them.
 *
 * A weight's value changes only by `assign`, which gives the variable a new `dataId`; so an entry
 * is valid while the dataIds it was made from are the variables' current ones. An attack (hundreds
 * of passes on fixed weights) re-lays the filters out once; fine-tuning recomputes them every step,
 * as before. The cost: one more copy of the conv weights per graph that ran.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import { ModelParams } from '../models/model-params'

interface Entry {
  sources: tf.DataId[]
  value: tf.Tensor
}

export class DerivedWeights {
  private readonly entries = new Map<object, Entry>()

  /**
   * `derive()` (made of `sources` only), computed once per distinct source values and kept under
   * `slot`; returns a fresh handle on the kept tensor (its buffer shared: a clone copies nothing).
   */
  get(slot: object, sources: tf.Tensor[], derive: () => tf.Tensor): tf.Tensor {
    const ids = sources.map((t) => t.dataId)
    let entry = this.entries.get(slot)
    if (!entry || entry.sources.some((id, i) => id !== ids[i])) {
      entry?.value.dispose()
      entry = { sources: ids, value: tf.keep(tf.tidy(derive)) }
      this.entries.set(slot, entry)
    }
    return tf.clone(entry.value)
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.value.dispose()
    this.entries.clear()
  }
}

/** An imported graph's weights, with what it derives from them (disposed together). */
export class OnnxParams extends ModelParams {
  readonly derived = new DerivedWeights()

  constructor(rng: Rng) {
    super(rng)
  }

  override dispose(): void {
    this.derived.dispose()
    super.dispose()
  }
}
