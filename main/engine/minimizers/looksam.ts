/**
 * LookSAM (Liu et al., "Towards Efficient and Scalable Sharpness-Aware Minimization", CVPR 2022):
 * a real SAM step every k iterations stores g_v, the part of g_adv orthogonal to g; in between,
 * one pass suffices: d = g + α·(‖g‖/‖g_v‖)·g_v (spec §5.6, global norms). Gubri et al. add a
 * 3-epoch SAM warm-up and use k 5, ρ 0.05 (l-LookSAM 0.3); α 0.7 is Liu et al.'s value.
 * Cost (2W + (E − W)(1 + 1/k))/E. Norms and projection are global by default; `projection:
 * 'per-tensor'` does them tensor by tensor, as rollovd/LookSAM (which the paper may have used; §13.4).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { GradientOracle } from './gradient-oracle'
import { orthogonalPart } from './gsam'
import type { Iteration, Minimizer, MinimizerState } from './minimizer'
import { NORM_EPSILON, samPerturbation } from './perturbation'
import { SamFamily } from './sam-family'
import { disposeMaps, entry, globalNorm, mapTensors, type TensorMap } from './tensor-map'

export interface LookSamOptions {
  rho: number
  k: number
  alpha: number
  warmupEpochs: number
  /**
   * 'global' (Liu et al.) or 'per-tensor' norms and projections (rollovd/LookSAM; spec §13.4). Per
   * tensor, a tensor whose g_v is tiny (a one-entry tensor has none) still gets α‖g_i‖ added along it.
   */
  projection?: 'global' | 'per-tensor'
}

export class LookSam extends SamFamily {
  readonly id: Minimizer['id'] = 'looksam'
  private gv: TensorMap | undefined

  constructor(
    base: SgdMomentum,
    readonly options: LookSamOptions = { rho: 0.05, k: 5, alpha: 0.7, warmupEpochs: 3 }
  ) {
    super(base)
  }

  /** Full SAM iterations: every one of the warm-up epochs, then the first of every k. */
  isFull(it: Pick<Iteration, 'epoch' | 'index'>): boolean {
    return it.epoch <= this.options.warmupEpochs || it.index % this.options.k === 0 || !this.gv
  }

  /** The stored orthogonal component (tests read it). */
  get orthogonalGradient(): TensorMap | undefined {
    return this.gv
  }

  protected perturbation(g: TensorMap): TensorMap {
    return samPerturbation(g, this.options.rho)
  }

  override async iterate(oracle: GradientOracle, it: Iteration): Promise<void> {
    if (this.isFull(it)) {
      const step = await this.sharpnessAwareStep(oracle, it)
      try {
        const gv =
          this.options.projection === 'per-tensor'
            ? perTensor(step.gAdv, step.g, orthogonalPart)
            : orthogonalPart(step.gAdv, step.g)
        disposeMaps(this.gv)
        this.gv = gv
        this.base.step(oracle.weights, step.d, it.lr)
      } finally {
        disposeMaps(step.g, step.gAdv, step.d)
      }
      return
    }
    const g = await oracle.gradient('update')
    let d: TensorMap | undefined
    try {
      d = this.reuse(g)
      this.base.step(oracle.weights, d, it.lr)
    } finally {
      disposeMaps(g, d)
    }
  }

  /** g + α·(‖g‖/(‖g_v‖ + 1e-12))·g_v: the added part has norm α‖g‖ (per tensor under 'per-tensor'). */
  private reuse(g: TensorMap): TensorMap {
    const gv = this.gv
    // α = 0 makes these iterations SGD exactly.
    if (!gv || this.options.alpha === 0) return g
    if (this.options.projection === 'per-tensor')
      return perTensor(g, gv, (gi, vi) => addScaled(gi, vi, this.options.alpha))
    return addScaled(g, gv, this.options.alpha)
  }

  /** g_v between SAM steps: a resumed epoch past the warm-up reuses it until its first full step. */
  state(): MinimizerState {
    return { tensors: new Map(this.gv ?? []), numbers: {} }
  }

  restore(state: MinimizerState): void {
    disposeMaps(this.gv)
    this.gv = state.tensors.size > 0 ? mapTensors(state.tensors, (t) => tf.clone(t)) : undefined
  }

  override dispose(): void {
    disposeMaps(this.gv)
    this.gv = undefined
  }
}

/** g + α·(‖g‖/(‖v‖ + 1e-12))·v, norms over the whole map. */
function addScaled(g: TensorMap, gv: TensorMap, alpha: number): TensorMap {
  const factor = tf.tidy(() =>
    tf.mul(tf.div(globalNorm(g), tf.add(globalNorm(gv), NORM_EPSILON)), alpha)
  )
  try {
    return mapTensors(g, (gi, name) => tf.add(gi, tf.mul(entry(gv, name, 'LookSam'), factor)))
  } finally {
    factor.dispose()
  }
}

/** Applies a map-level operation to each tensor on its own (per-tensor norms and dot products). */
function perTensor(
  a: TensorMap,
  b: TensorMap,
  f: (a: TensorMap, b: TensorMap) => TensorMap
): TensorMap {
  const out: TensorMap = new Map()
  for (const [name, t] of a) {
    const part = f(new Map([[name, t]]), new Map([[name, entry(b, name, 'LookSam')]]))
    out.set(name, entry(part, name, 'LookSam'))
  }
  return out
}
