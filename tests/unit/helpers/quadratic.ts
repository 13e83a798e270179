/**
 * Quadratic fixtures for minimizer oracles (training spec §12): L(w) = ½ wᵀA w (+ bᵀw) over the
 * concatenation of named tensors, so ∇L = A w + b and the Hessian is A. Records every pass.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { GradientOracle, PassMode } from '../../../main/engine/minimizers/gradient-oracle'
import type { TensorMap } from '../../../main/engine/minimizers/tensor-map'
import type { Iteration } from '../../../main/engine/minimizers/minimizer'

export class QuadraticOracle implements GradientOracle {
  readonly weights = new Map<string, tf.Variable>()
  readonly calls: { mode: PassMode; at: number[] }[] = []

  /** `tensors`: name → initial values (flat); A is square over their concatenation. */
  constructor(
    private readonly A: number[][],
    tensors: [string, number[]][],
    private readonly b?: number[]
  ) {
    for (const [name, values] of tensors) {
      const initial = tf.tensor1d(values)
      this.weights.set(name, tf.variable(initial))
      initial.dispose()
    }
  }

  flat(): number[] {
    return [...this.weights.values()].flatMap((v) => Array.from(v.dataSync()))
  }

  gradient(mode: PassMode): Promise<TensorMap> {
    const w = this.flat()
    this.calls.push({ mode, at: w })
    const g = this.A.map((row, i) => row.reduce((s, a, j) => s + a * w[j], 0) + (this.b?.[i] ?? 0))
    const out: TensorMap = new Map()
    let offset = 0
    for (const [name, v] of this.weights) {
      out.set(name, tf.tensor1d(g.slice(offset, offset + v.size)))
      offset += v.size
    }
    return Promise.resolve(out)
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose()
  }
}

export const diag = (...d: number[]): number[][] =>
  d.map((x, i) => d.map((_, j) => (i === j ? x : 0)))

export function iteration(overrides: Partial<Iteration> = {}): Iteration {
  return { epoch: 1, index: 0, epochs: 1, lr: 0.1, lrRange: { min: 0.1, max: 0.1 }, ...overrides }
}

export function flatOf(m: TensorMap): number[] {
  return [...m.values()].flatMap((t) => Array.from(t.dataSync()))
}
