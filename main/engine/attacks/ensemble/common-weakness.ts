/**
 * CWA: Common Weakness Attack (Chen et al., "Rethinking Model Ensemble in Transfer-based Adversarial
 * Attacks", ICLR 2024, https://arxiv.org/abs/2303.09105).
 *
 * A common weakness is a flat point close to every member's optimum. Each outer iteration takes a
 * SAM-like reverse step that lowers the ensemble loss, then visits the members in a fixed order with
 * L2-normalised momentum steps, and follows the net displacement:
 *
 *   x̃ = x_t − r·sign(∇L_ens(x_t))   (not clamped, as in the release)
 *   for k = 1 … K:  m_in ← μ_in·m_in + ∇L_k(x̃)/‖∇L_k(x̃)‖₂;  x̃ ← clampBox(x̃ + β·m_in)   (m_in persists over t)
 *   o ← μ·o + Δ/‖Δ‖₁ with Δ = x̃ − x_t (per example);  x_{t+1} = clampBox(x_t + α_c·sign(o))
 *
 * App defaults (the release's values in ε units): r = ε/15, β = 250, α_c = 2ε/T, μ = μ_in = 1, no
 * random start. Only DI may be added to it.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { LoopContext } from '../loop-context'
import { l2Norm, linfStep } from '../norm-step'

export interface CwaSettings {
  /** r in ε units. */
  r: number
  beta: number
  /** α_c in ε/T units. */
  outerStep: number
  mu: number
  muInner: number
}

export function commonWeaknessAttack(settings: CwaSettings, ctx: LoopContext): tf.Tensor4D {
  const reverse = settings.r * ctx.eps
  const outer = (settings.outerStep * ctx.eps) / Math.max(ctx.steps, 1)
  let x = tf.clone(ctx.x0)
  let o = tf.zerosLike(ctx.x0)
  let mInner = tf.zerosLike(ctx.x0)
  for (let t = 0; t < ctx.steps; t++) {
    const [nextX, nextO, nextInner] = tf.tidy(() => {
      const g = ctx.oracle(ctx.layer.at(t), x, t, 0)
      let xTilde = tf.sub(x, tf.mul(tf.sign(g), reverse)) as tf.Tensor4D
      let inner = mInner
      for (let k = 0; k < ctx.memberCount; k++) {
        const gk = ctx.oracle(ctx.layer.member(t, k), xTilde, t, k + 1)
        inner = tf.add(
          tf.mul(inner, settings.muInner),
          tf.div(gk, tf.maximum(l2Norm(gk), 1e-12))
        ) as tf.Tensor4D
        xTilde = tf.minimum(
          tf.maximum(tf.add(xTilde, tf.mul(inner, settings.beta)), ctx.lo),
          ctx.hi
        ) as tf.Tensor4D
      }
      const delta = tf.sub(xTilde, x) as tf.Tensor4D
      const l1 = tf.maximum(tf.sum(tf.abs(delta), [1, 2, 3], true), 1e-12)
      const nextO = tf.add(tf.mul(o, settings.mu), tf.div(delta, l1)) as tf.Tensor4D
      const stepped = linfStep(x, nextO, outer, ctx.lo, ctx.hi)
      ctx.onIteration?.(t, stepped)
      return [stepped, nextO, inner === mInner ? tf.clone(inner) : inner]
    })
    tf.dispose([x, o, mInner])
    x = nextX
    o = nextO
    mInner = nextInner
  }
  tf.dispose([o, mInner])
  return x
}
