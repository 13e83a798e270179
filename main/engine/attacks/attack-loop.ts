/**
 * The one attack loop (spec attacks.md §2.2, attacks-more.md §1.2): BIM with a fixed place for every
 * technique of the registry, so the order they are enabled in never matters.
 *
 *   objective        CE, or the objective slot: logit, margin, FIA              (objective/)
 *   model layer      LGV member(s), an ensemble's fusion, GN ghosts, SGM        (model-layer.ts)
 *   gradient oracle  mean over the generator's copies (SI, Admix, SIA, BSR), each through a DI draw
 *   estimator        plain, VT, EMI, PGN or GRA; then TI's filter               (gradient/, input-transformation/)
 *   optimizer        MI/NI momentum and look-ahead, RAP from t ≥ K_LS, GRA's step scale
 *   step             sign step + box clamp (L∞) or normalised step + projection + clip (L2)
 *
 * SVRE and CWA replace everything after the model layer (loop owners); ILA runs the loop as its stage 1
 * and refines the result. The slots' techniques come from technique-implementations.ts. With an empty
 * stack the loop performs exactly BIM's ops, so it equals `bimAttack` bitwise. Every random draw is
 * keyed by (seed, batch, technique, iteration, call, copy) through `AttackRng`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { withFoldedConvBn } from '../models/conv-bn-apply'
import type { Classifier } from '../models/classifier'
import type { AttackConfig } from './attack-config'
import { AttackRng } from './attack-rng'
import { resolveFeatureLayer } from './feature-layers'
import { gradientOracle, type PassFn } from './gradient-oracle'
import { accumulateMomentum, decayOf } from './gradient/momentum'
import { lookAhead } from './gradient/nesterov'
import { rapInner } from './gradient/reverse-adversarial'
import { plainEstimator, type EstimatorContext } from './gradient/estimator'
import { attackedModels, createModelLayer } from './model-layer'
import { l2Step, linfStep } from './norm-step'
import { createObjective } from './objective/attack-objective'
import { featureImportance } from './objective/feature-importance'
import { ilaStage2 } from './objective/intermediate-level'
import { activeHook, type BatchContext } from './technique-implementations'
import { checkTechniqueRequirements } from './technique-requirements'

export interface AttackHooks {
  /** Index of this batch in the run: part of every random key. */
  batchId?: number
  /** Called after each iteration with x_{t+1} (inside a tidy: do not keep the tensor). */
  onIteration?: (t: number, x: tf.Tensor4D) => void
  /** Called with x_t + n after every RAP inner step (oracle A1). */
  onRapStep?: (t: number, x: tf.Tensor4D, n: tf.Tensor4D) => void
  /** The true classes when `labels` are targets: Admix never mixes in an image of the example's own class. */
  trueLabels?: tf.Tensor1D
}

/** Throws a message naming the technique and the architecture when GN or SGM meets a net without skips. */
export function validateAttack(models: Classifier[], config: AttackConfig): void {
  for (const [id, label] of [
    ['gn', 'GN (ghost networks)'],
    ['sgm', 'SGM (skip gradient method)']
  ] as const) {
    if (!config[id]) continue
    const plain = models.find((m) => m.skipConnections.length === 0)
    if (plain)
      throw new Error(
        `${label} needs residual skip connections, but architecture "${plain.config.arch}" has none: ` +
          `remove "${id}" from the attack stack or use a surrogate with skips (small-resnet, a ResNet, WRN, DenseNet, ConvMixer or MLP-Mixer)`
      )
  }
  if (config.gn || config.sgm) probePatchHooks(models, config)
  if (config.lgv && config.lgv.members.length === 0)
    throw new Error('LGV needs at least one member model')
  checkTechniqueRequirements(models, config)
  if (config.di && (config.di.resizeRate <= 0 || config.di.resizeRate >= 1))
    throw new Error(`DI resizeRate must be in (0, 1) (shrink and pad), got ${config.di.resizeRate}`)
  if (
    !(config.eps >= 0) ||
    !(config.alpha >= 0) ||
    !Number.isInteger(config.steps) ||
    config.steps < 0
  )
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
      throw new Error(
        `GN (ghost networks) cannot reach the skip connections of architecture "${arch}": remove "gn" from the attack stack`
      )
    if (config.sgm && residuals === 0)
      throw new Error(
        `SGM (skip gradient method) cannot reach an identity-shortcut residual branch of architecture "${arch}" ` +
          `(it does not call ForwardContext.transformResidual): remove "sgm" from the attack stack or use a built-in residual surrogate`
      )
  }
}

/**
 * Crafts adversarial examples for `x0` (NHWC in [0,1]) against `model` (ignored when LGV or ensemble
 * members are given). `labels` are the true classes, or the target classes when `config.targeted`.
 * Returns a new tensor; the caller disposes it.
 */
export function runAttack(
  model: Classifier,
  x0: tf.Tensor4D,
  labels: tf.Tensor1D,
  config: AttackConfig,
  hooks: AttackHooks = {}
): tf.Tensor4D {
  // The weights stay fixed and only the input is differentiated: fold each conv's batch norm once.
  return withFoldedConvBn(() => attack(model, x0, labels, config, hooks))
}

function attack(
  model: Classifier,
  x0: tf.Tensor4D,
  labels: tf.Tensor1D,
  config: AttackConfig,
  hooks: AttackHooks
): tf.Tensor4D {
  validateAttack(attackedModels(model, config), config)
  if (config.ila) return runIla(model, x0, labels, config, hooks)
  const rng = new AttackRng(config.seed, hooks.batchId ?? 0)
  const tapLayer = config.fia ? resolveFeatureLayer(model, config.fia.layer, 'fia') : undefined
  const layer = createModelLayer(model, config, rng, tapLayer)
  const importance =
    config.fia && tapLayer
      ? featureImportance(
          (x, n, tap) => model.forward(x, layer.context('fia', `m${n}`, 0, tap)),
          x0,
          labels,
          config.fia,
          tapLayer,
          rng
        )
      : undefined
  const lossOf = createObjective(config, labels, importance)
  const batch: BatchContext = {
    x0,
    labels: (hooks.trueLabels ?? labels).dataSync() as Int32Array,
    rng
  }
  const generatorHook = activeHook(config, 'generator')
  const oracleSettings = {
    di: config.di,
    generator: generatorHook?.implementation(generatorHook.settings, batch)
  }
  const oracle = (f: PassFn, z: tf.Tensor4D, t: number, call: number): tf.Tensor4D =>
    gradientOracle(f, lossOf, z, oracleSettings, rng, t, call)
  const filterHook = activeHook(config, 'filter')
  const filter = filterHook?.implementation(filterHook.settings, batch)

  const { eps, alpha } = config
  const lo = tf.tidy(() => tf.maximum(tf.sub(x0, eps), 0)) as tf.Tensor4D
  const hi = tf.tidy(() => tf.minimum(tf.add(x0, eps), 1)) as tf.Tensor4D
  try {
    const owner = activeHook(config, 'loop')
    if (owner) {
      const memberCount = layer.models.length
      return owner.implementation(owner.settings, {
        layer,
        memberCount,
        oracle,
        rng,
        x0,
        lo,
        hi,
        eps,
        alpha,
        steps: config.steps,
        filter,
        onIteration: hooks.onIteration
      })
    }
    const estimatorContext: EstimatorContext = { oracle, rng, eps, alpha, norm: config.norm }
    const estimatorHook = activeHook(config, 'estimator')
    const estimator = estimatorHook
      ? estimatorHook.implementation(estimatorHook.settings, estimatorContext)
      : plainEstimator(estimatorContext)
    const mu = decayOf(config)
    let x = tf.clone(x0)
    let m = tf.zerosLike(x0)
    try {
      for (let t = 0; t < config.steps; t++) {
        const [nextX, nextM] = tf.tidy(() => {
          const f = layer.at(t)
          const xHat = config.ni ? lookAhead(x, m, alpha, mu) : x
          let point = xHat
          if (config.rap && t >= config.rap.lateStart) {
            const rapGrad = (z: tf.Tensor4D, step: number): tf.Tensor4D =>
              tf.grad((zv: tf.Tensor) => lossOf(f(zv as tf.Tensor4D, `rap${step}`)))(
                z
              ) as tf.Tensor4D
            const onStep = hooks.onRapStep
              ? (n: tf.Tensor4D) => hooks.onRapStep?.(t, x, n)
              : undefined
            const n = rapInner(x, config.rap, config.norm, rng.at('rap', t), rapGrad, onStep)
            point = tf.add(xHat, n) as tf.Tensor4D
          }
          const estimate = estimator.estimate(f, x, point, t)
          const gTilde = filter ? filter(estimate) : estimate
          const momentum = accumulateMomentum(m, gTilde, mu)
          const scale = estimator.stepScale?.(m, momentum)
          const stepped =
            config.norm === 'linf'
              ? scale
                ? (tf.minimum(
                    tf.maximum(tf.add(x, tf.mul(tf.mul(tf.sign(momentum), alpha), scale)), lo),
                    hi
                  ) as tf.Tensor4D)
                : linfStep(x, momentum, alpha, lo, hi)
              : l2Step(x, momentum, alpha, x0, eps)
          hooks.onIteration?.(t, stepped)
          return [stepped, momentum]
        })
        estimator.commit()
        tf.dispose([x, m])
        x = nextX
        m = nextM
      }
    } finally {
      estimator.dispose()
      m.dispose()
    }
    return x
  } finally {
    tf.dispose([lo, hi])
    importance?.dispose()
  }
}

/** ILA: the rest of the stack for T₁ steps (stage 1), then the feature-projection refinement (stage 2). */
function runIla(
  model: Classifier,
  x0: tf.Tensor4D,
  labels: tf.Tensor1D,
  config: AttackConfig,
  hooks: AttackHooks
): tf.Tensor4D {
  const { ila, ...rest } = config
  if (!ila) throw new Error('runIla needs config.ila')
  const stage1Steps = Math.min(config.steps, ila.stage1Steps ?? Math.ceil(config.steps / 2))
  const stage1 = runAttack(model, x0, labels, { ...rest, steps: stage1Steps }, hooks)
  try {
    return ilaStage2(model, x0, stage1, config, { onIteration: hooks.onIteration })
  } finally {
    stage1.dispose()
  }
}
