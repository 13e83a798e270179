/**
 * Running average of end-of-epoch weights for SWA and WASAM (spec §4, §5.5):
 * w_avg ← w_avg + (w_e − w_avg)/(n + 1), one update per snapshot. Only trainable tensors are
 * averaged; batch-norm statistics are recomputed afterwards for the averaged weights.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { MinimizerState } from './minimizer'
import { assignAll, disposeMaps, entry, mapTensors, snapshot, type TensorMap } from './tensor-map'

/**
 * First averaged epoch. 'after-three-quarters' (SWA, the paper's "last 25 %"): the first e > 0.75·E,
 * i.e. 113 of 150 (38 snapshots). 'from-int-three-quarters' (WASAM reference): e ≥ int(0.75·E), 112 of 150.
 */
export function averagingStart(
  epochs: number,
  rule: 'after-three-quarters' | 'from-int-three-quarters',
  override?: number
): number {
  if (override !== undefined) return Math.min(override, epochs)
  const start =
    rule === 'after-three-quarters' ? Math.floor(0.75 * epochs) + 1 : Math.floor(0.75 * epochs)
  return Math.min(Math.max(start, 1), epochs)
}

export class WeightAverage {
  private average: TensorMap | undefined
  private n = 0

  get count(): number {
    return this.n
  }

  add(weights: Map<string, tf.Variable>): void {
    const current = this.average
    if (!current) {
      this.average = snapshot(weights)
      this.n = 1
      return
    }
    const n = this.n
    for (const [name, w] of weights) {
      const avg = entry(current, name, 'WeightAverage.add')
      const next = tf.tidy(() => tf.add(avg, tf.div(tf.sub(w, avg), n + 1)))
      avg.dispose()
      current.set(name, next)
    }
    this.n = n + 1
  }

  /** The average and how many snapshots it holds, for a checkpoint (borrowed tensors). */
  state(): MinimizerState {
    return { tensors: new Map(this.average ?? []), numbers: { count: this.n } }
  }

  /** Replaces the average with copies of a checkpoint's (see `state`). */
  restore(state: MinimizerState): void {
    const count = state.numbers.count ?? 0
    if (!Number.isInteger(count) || count < 0 || count > 0 !== state.tensors.size > 0)
      throw new Error(
        `Error in WeightAverage.restore: the checkpoint's average is inconsistent (count ${count}, ${state.tensors.size} tensors)`
      )
    this.dispose()
    if (count === 0) return
    this.average = mapTensors(state.tensors, (t) => tf.clone(t))
    this.n = count
  }

  /** Copies the average into the weights; false (and no change) when nothing was averaged. */
  assignTo(weights: Map<string, tf.Variable>): boolean {
    if (!this.average) return false
    assignAll(weights, this.average)
    return true
  }

  dispose(): void {
    disposeMaps(this.average)
    this.average = undefined
    this.n = 0
  }
}
