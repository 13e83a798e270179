/**
 * The one attack loop (spec §2.2): BIM with hooks for the nine transferability techniques of Gubri et
 * al. 2023 (Table 4), each acting at a fixed place so the order they are enabled in never matters.
 *
 *   model layer      LGV picks the member of iteration t; GN erodes its skips; SGM scales its
 *                    residual-branch gradients                              (model-related/, ensemble/)
 *   gradient oracle  mean gradient over SI copies, each through a fresh DI draw (input-transformation/)
 *   optimizer        VT correction, MI/NI momentum and look-ahead, RAP from t ≥ K_LS   (gradient/)
 *   step             sign step + box clamp (L∞) or normalised step + projection + clip (L2)
 *
 * With an empty stack it performs exactly BIM's ops, so it equals `bimAttack` bitwise. Every random
 * draw is keyed by (seed, batch, technique, iteration, call, copy) through `AttackRng`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { EVAL, type ForwardContext } from '../models/forward-context'
import { crossEntropy, crossEntropySum } from '../training/cross-entropy'
import type { AttackConfig } from './attack-config'
import { AttackRng } from './attack-rng'
import { gradientOracle, type PassFn } from './gradient-oracle'
import { lgvMembersAt, lgvOrder } from './ensemble/lgv'
import { accumulateMomentum, decayOf } from './gradient/momentum'
import { lookAhead } from './gradient/nesterov'
import { rapInner } from './gradient/reverse-adversarial'
import { varianceOf } from './gradient/variance-tuning'
import { ghostSkip } from './model-related/ghost-network'
import { skipGradientResidual } from './model-related/skip-gradient'
import { l2Step, linfStep } from './norm-step'

export interface AttackHooks {
  /** Index of this batch in the run: part of every random key. */
  batchId?: number
  /** Called after each iteration with x_{t+1} (inside a tidy: do not keep the tensor). */
  onIteration?: (t: number, x: tf.Tensor4D) => void
  /** Called with x_t + n after every RAP inner step (oracle A1). */
  onRapStep?: (t: number, x: tf.Tensor4D, n: tf.Tensor4D) => void
}

/** Throws a message naming the technique and the architecture when GN or SGM meets a net without skips. */
export function validateAttack(models: Classifier[], config: AttackConfig): void {
  for (const [id, label] of [['gn', 'GN (ghost networks)'], ['sgm', 'SGM (skip gradient method)']] as const) {
    if (!config[id]) continue
    const plain = models.find((m) => m.skipConnections.length === 0)
    if (plain)
      throw new Error(
        `${label} needs residual skip connections, but architecture "${plain.config.arch}" has none: ` +
          `remove "${id}" from the attack stack or use a surrogate with skips (small-resnet, a ResNet, WRN, DenseNet, ConvMixer or MLP-Mixer)`
      )
  }
  if (config.gn || config.sgm) probePatchHooks(models, config)
  if (config.lgv && config.lgv.members.length === 0) throw new Error('LGV needs at least one member model')
  if (config.di && (config.di.resizeRate <= 0 || config.di.resizeRate >= 1))
    throw new Error(`DI resizeRate must be in (0, 1) (shrink and pad), got ${config.di.resizeRate}`)
  if (!(config.eps >= 0) || !(config.alpha >= 0) || !Number.isInteger(config.steps) || config.steps < 0)
    throw new Error('attack budget: eps and alpha must be ≥ 0 and steps a non-negative integer')
}

/**
 * Architectures may list skip connections yet not call every hook (every built-in net with skips
 * calls both, but a hand-built or imported one may not): one probe forward pass per distinct member checks
 * that the hooks GN and SGM need are actually reached, instead of silently attacking the plain model.
 */
function probePatchHooks(models: Classifier[], config: AttackConfig): void {
  for (const model of new Set(models)) {
    let skips = 0
    let residuals = 0
    tf.tidy(() => {
      const [h, w, c] = model.config.inputShape
      model.forward(tf.zeros([1, h, w, c]) as tf.Tensor4D, {
        training: false,
        transformSkip: (_name, s) => (skips++, s),
        transformResidual: (_name, r, identity) => (identity && residuals++, r)
      })
    })
    const arch = model.config.arch
    if (config.gn && skips === 0)
      throw new Error(`GN (ghost networks) cannot reach the skip connections of architecture "${arch}": remove "gn" from the attack stack`)
    if (config.sgm && residuals === 0)
      throw new Error(
        `SGM (skip gradient method) cannot reach an identity-shortcut residual branch of architecture "${arch}" ` +
          `(it does not call ForwardContext.transformResidual): remove "sgm" from the attack stack or use a built-in residual surrogate`
      )
  }
}

/**
 * Crafts adversarial examples for `x0` (NHWC in [0,1]) against `model` (ignored when LGV members are
 * given). `labels` are the true classes, or the target classes when `config.targeted`.
 * Returns a new tensor; the caller disposes it.
 */
export function runAttack(model: Classifier, x0: tf.Tensor4D, labels: tf.Tensor1D, config: AttackConfig, hooks: AttackHooks = {}): tf.Tensor4D {
  const members = config.lgv ? config.lgv.members : [model]
  validateAttack(members, config)
  const rng = new AttackRng(config.seed, hooks.batchId ?? 0)
  const order = config.lgv ? lgvOrder(members.length, rng.perRun('lgv-order')) : [0]
  const nGrad = config.lgv ? config.lgv.nGrad : 1
  const mu = decayOf(config)
  const sgmResidual = config.sgm ? skipGradientResidual(config.sgm.gamma) : undefined
  const mean = config.lossReduction === 'mean'
  const lossOf = (logits: tf.Tensor2D): tf.Scalar => {
    const ce = mean ? crossEntropy(logits, labels) : crossEntropySum(logits, labels)
    return config.targeted ? tf.neg(ce) : ce
  }

  const modelAt = (t: number): PassFn => {
    const active = lgvMembersAt(order, t, nGrad).map((i) => members[i])
    const patched = config.gn !== undefined || sgmResidual !== undefined
    const ctxFor = (passKey: string, j: number): ForwardContext =>
      patched
        ? {
            training: false,
            transformSkip: config.gn ? ghostSkip(config.gn.range, rng.at('gn', t, passKey, j)) : undefined,
            transformResidual: sgmResidual
          }
        : EVAL
    return (x, passKey) => {
      if (active.length === 1) return active[0].forward(x, ctxFor(passKey, 0))
      const logits = active.map((m, j) => m.forward(x, ctxFor(passKey, j)))
      return tf.div(tf.addN(logits), active.length) as tf.Tensor2D
    }
  }

  const oracle = (f: PassFn, z: tf.Tensor4D, t: number, call: number): tf.Tensor4D => gradientOracle(f, lossOf, z, config, rng, t, call)

  const { eps, alpha } = config
  const lo = tf.tidy(() => tf.maximum(tf.sub(x0, eps), 0)) as tf.Tensor4D
  const hi = tf.tidy(() => tf.minimum(tf.add(x0, eps), 1)) as tf.Tensor4D
  let x = tf.clone(x0)
  let m = tf.zerosLike(x0)
  let v = tf.zerosLike(x0)
  for (let t = 0; t < config.steps; t++) {
    const [nextX, nextM, nextV] = tf.tidy(() => {
      const f = modelAt(t)
      const xHat = config.ni ? lookAhead(x, m, alpha, mu) : x
      let point = xHat
      if (config.rap && t >= config.rap.lateStart) {
        const rapGrad = (z: tf.Tensor4D, step: number): tf.Tensor4D => tf.grad((zv: tf.Tensor) => lossOf(f(zv as tf.Tensor4D, `rap${step}`)))(z) as tf.Tensor4D
        const onStep = hooks.onRapStep ? (n: tf.Tensor4D) => hooks.onRapStep?.(t, x, n) : undefined
        const n = rapInner(x, config.rap, config.norm, rng.at('rap', t), rapGrad, onStep)
        point = tf.add(xHat, n) as tf.Tensor4D
      }
      const gHat = oracle(f, point, t, 0)
      const gTilde = config.vt ? (tf.add(gHat, v) as tf.Tensor4D) : gHat
      const momentum = accumulateMomentum(m, gTilde, mu)
      const variance = config.vt
        ? varianceOf(x, gHat, config.vt, eps, config.norm, (i) => rng.at('vt', t, i), (z, call) => oracle(f, z, t, call))
        : v
      const stepped = config.norm === 'linf' ? linfStep(x, momentum, alpha, lo, hi) : l2Step(x, momentum, alpha, x0, eps)
      hooks.onIteration?.(t, stepped)
      return [stepped, momentum, variance === v ? tf.clone(v) : variance]
    })
    tf.dispose([x, m, v])
    x = nextX
    m = nextM
    v = nextV
  }
  tf.dispose([lo, hi, m, v])
  return x
}
