/**
 * GSAM (Zhuang et al., "Surrogate Gap Guided Sharpness-Aware Minimization", ICLR 2022): descend the
 * perturbed loss and, orthogonally to its gradient, ascend the clean loss to shrink the surrogate
 * gap: g_perp = g − (⟨g, g_adv⟩/‖g_adv‖²)·g_adv, d = g_adv − α·g_perp (spec §5.3). Gubri et al.'s
 * values: ρ 0.05 (l-GSAM 0.2), α 0.15, constant ρ; with `rhoMin`, ρ follows the LR linearly
 * (GSAM's scheduler). Cost 2.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SgdMomentum } from '../training/sgd-step'
import type { Iteration, Minimizer } from './minimizer'
import { NORM_EPSILON, samPerturbation } from './perturbation'
import { SamFamily } from './sam-family'
import { entry, globalDot, mapTensors, type TensorMap } from './tensor-map'

export interface GsamOptions {
  rho: number
  alpha: number
  rhoMin?: number
}

export class Gsam extends SamFamily {
  readonly id: Minimizer['id'] = 'gsam'

  constructor(
    base: SgdMomentum,
    readonly options: GsamOptions = { rho: 0.05, alpha: 0.15 }
  ) {
    super(base)
  }

  /** ρ_t = ρ_min + (ρ − ρ_min)(η_t − η_min)/(η_max − η_min); constant ρ without `rhoMin` or with a flat schedule. */
  rhoAt(it: Pick<Iteration, 'lr' | 'lrRange'>): number {
    const { rho, rhoMin } = this.options
    const { min, max } = it.lrRange
    if (rhoMin === undefined || max === min) return rho
    return rhoMin + ((rho - rhoMin) * (it.lr - min)) / (max - min)
  }

  protected perturbation(
    g: TensorMap,
    _weights: Map<string, tf.Variable>,
    it: Iteration
  ): TensorMap {
    return samPerturbation(g, this.rhoAt(it))
  }

  protected combine(g: TensorMap, gAdv: TensorMap): TensorMap {
    const alpha = this.options.alpha
    // α = 0 is SAM exactly, not merely up to rounding.
    if (alpha === 0) return gAdv
    const gPerp = orthogonalPart(g, gAdv)
    try {
      return mapTensors(gAdv, (ga, name) =>
        tf.sub(ga, tf.mul(entry(gPerp, name, 'Gsam.combine'), alpha))
      )
    } finally {
      tf.dispose([...gPerp.values()])
    }
  }
}

/** The part of `g` orthogonal to `direction`: g − (⟨g, u⟩/‖u‖²)·u. */
export function orthogonalPart(g: TensorMap, direction: TensorMap): TensorMap {
  const coefficient = tf.tidy(() => {
    const dot = globalDot(g, direction)
    const squared = globalDot(direction, direction)
    return tf.div(dot, tf.add(squared, NORM_EPSILON))
  })
  try {
    return mapTensors(g, (gi, name) =>
      tf.sub(gi, tf.mul(entry(direction, name, 'orthogonalPart'), coefficient))
    )
  } finally {
    coefficient.dispose()
  }
}
