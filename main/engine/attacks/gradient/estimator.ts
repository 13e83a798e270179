/**
 * The estimator slot of the optimizer layer (spec attacks-more.md §1.2): what turns oracle calls into
 * the one gradient estimate ĝ of an iteration. The plain estimator makes the main call at x̂ (+ RAP's
 * n); VT, EMI, PGN and GRA sample around the iterate. Estimators that carry state from one iteration
 * to the next (VT's v, EMI's direction, GRA's step scale) keep it in a `CarriedTensor`, because each
 * iteration of the loop runs inside its own `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AttackRng } from '../attack-rng'
import type { PassFn } from '../gradient-oracle'

/** What an estimator may use besides the model of the iteration. */
export interface EstimatorContext {
  /** G(f, z) for oracle call `call` of iteration t (generator copies and DI included). */
  oracle(f: PassFn, z: tf.Tensor4D, t: number, call: number): tf.Tensor4D
  rng: AttackRng
  eps: number
  alpha: number
  norm: 'linf' | 'l2'
}

export interface Estimator {
  /** ĝ of iteration t; `x` is the iterate, `point` the main call's point (x̂ + n). */
  estimate(f: PassFn, x: tf.Tensor4D, point: tf.Tensor4D, t: number): tf.Tensor4D
  /** A per-pixel step scale from the momentum before and after this iteration's update (GRA). */
  stepScale?(before: tf.Tensor4D, after: tf.Tensor4D): tf.Tensor4D
  /** After each iteration's tidy: the state set during it becomes the current state. */
  commit(): void
  dispose(): void
}

/** A tensor carried across iterations: `set` inside a tidy (kept), `commit` after it. */
export class CarriedTensor {
  private current?: tf.Tensor4D
  private next?: tf.Tensor4D

  /** The current value, or `initial()` the first time (kept). */
  get(initial: () => tf.Tensor4D): tf.Tensor4D {
    if (!this.current) this.current = tf.keep(initial())
    return this.current
  }

  set(value: tf.Tensor4D): void {
    this.next?.dispose()
    this.next = tf.keep(value)
  }

  commit(): void {
    if (!this.next) return
    if (this.current !== this.next) this.current?.dispose()
    this.current = this.next
    this.next = undefined
  }

  dispose(): void {
    this.current?.dispose()
    this.next?.dispose()
    this.current = this.next = undefined
  }
}

/** The plain estimator: one oracle call at the main point. */
export function plainEstimator(ctx: EstimatorContext): Estimator {
  return {
    estimate: (f, _x, point, t) => ctx.oracle(f, point, t, 0),
    commit: () => undefined,
    dispose: () => undefined
  }
}

/** The mean of `count` oracle samples (a single sample is returned untouched, so it stays bitwise). */
export function meanOfSamples(count: number, sample: (i: number) => tf.Tensor4D): tf.Tensor4D {
  let sum: tf.Tensor4D | undefined
  for (let i = 0; i < count; i++) {
    const g = sample(i)
    sum = sum ? (tf.add(sum, g) as tf.Tensor4D) : g
  }
  return count > 1 ? (tf.div(sum as tf.Tensor4D, count) as tf.Tensor4D) : (sum as tf.Tensor4D)
}
