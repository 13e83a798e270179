/**
 * SVRE: Stochastic Variance Reduced Ensemble attack (Xiong et al., "Stochastic Variance Reduced
 * Ensemble Adversarial Attack for Boosting the Adversarial Transferability", CVPR 2022,
 * https://arxiv.org/abs/2111.10752).
 *
 * Each outer iteration computes the ensemble gradient g_ens at x_t, then takes M inner steps from
 * x̃ = x_t, each with one random member k's gradient corrected by a control variate:
 *
 *   g_j = ∇L_k(x̃) − (∇L_k(x_t) − g_ens)   (TI-filtered when TI is on)
 *   G ← μ_in·G + g_j/meanAbs(g_j),  x̃ ← clampBox(x̃ + β·sign(G))           (G restarts at 0 every t)
 *   m ← μ·m + G/meanAbs(G),  x_{t+1} = clampBox(x_t + α·sign(m))
 *
 * Defaults (release): M = 4K (16 at K = 4), β = α, μ = μ_in = 1.0, logit-fused g_ens. The member of
 * each inner step is shared by the batch, from rng("svre", t, j).
 */
import * as tf from '@tensorflow/tfjs-core'
import { meanAbs } from '../gradient/momentum'
import type { LoopContext } from '../loop-context'
import { linfStep } from '../norm-step'

export interface SvreSettings {
  innerSteps?: number
  /** β in α units. */
  beta: number
  mu: number
  muInner: number
}

const normalised = (g: tf.Tensor4D): tf.Tensor4D =>
  tf.div(g, tf.maximum(meanAbs(g), 1e-12)) as tf.Tensor4D

export function svreAttack(
  settings: SvreSettings,
  ctx: LoopContext,
  onMember?: (t: number, k: number) => void
): tf.Tensor4D {
  const members = ctx.memberCount
  const inner = settings.innerSteps ?? 4 * members
  const beta = settings.beta * ctx.alpha
  let x = tf.clone(ctx.x0)
  let m = tf.zerosLike(ctx.x0)
  for (let t = 0; t < ctx.steps; t++) {
    const [nextX, nextM] = tf.tidy(() => {
      const gEns = ctx.oracle(ctx.layer.at(t), x, t, 0)
      let xTilde = x
      let g: tf.Tensor4D = tf.zerosLike(x)
      for (let j = 1; j <= inner; j++) {
        const k = ctx.rng.at('svre', t, j).int(members)
        onMember?.(t, k)
        const f = ctx.layer.member(t, k)
        let gj = tf.sub(
          ctx.oracle(f, xTilde, t, 2 * j - 1),
          tf.sub(ctx.oracle(f, x, t, 2 * j), gEns)
        ) as tf.Tensor4D
        if (ctx.filter) gj = ctx.filter(gj)
        g = tf.add(tf.mul(g, settings.muInner), normalised(gj)) as tf.Tensor4D
        xTilde = linfStep(xTilde, g, beta, ctx.lo, ctx.hi)
      }
      const momentum = tf.add(tf.mul(m, settings.mu), normalised(g)) as tf.Tensor4D
      const stepped = linfStep(x, momentum, ctx.alpha, ctx.lo, ctx.hi)
      ctx.onIteration?.(t, stepped)
      return [stepped, momentum]
    })
    tf.dispose([x, m])
    x = nextX
    m = nextM
  }
  m.dispose()
  return x
}
