/**
 * The model layer of the loop (spec attacks.md §4, attacks-more.md §5.1): which function is
 * differentiated at iteration t. LGV picks the member(s) of the iteration, an ensemble (Ens) fuses its
 * members' logits, probabilities or losses, GN erodes every pass's skips with fresh draws, SGM scales
 * residual-branch gradients, and a feature tap (FIA) records one intermediate layer's output.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { EVAL, type ForwardContext } from '../models/forward-context'
import type { AttackConfig } from './attack-config'
import type { AttackRng } from './attack-rng'
import { lgvMembersAt, lgvOrder } from './ensemble/lgv'
import { fuseMembers } from './ensemble/ensemble-fusion'
import type { ModelOutput, PassFn } from './gradient-oracle'
import { ghostSkip } from './model-related/ghost-network'
import { skipGradientResidual } from './model-related/skip-gradient'

export interface ModelLayer {
  /** Every distinct model the attack differentiates (LGV or ensemble members, else the surrogate). */
  models: Classifier[]
  /** The (fused) model of iteration t. */
  at(t: number): PassFn
  /** Ensemble member k alone at iteration t (SVRE, CWA); the surrogate itself without an ensemble. */
  member(t: number, k: number): PassFn
  /** The patched forward context of one pass (GN draws keyed by `passKey`, member j). */
  context(
    t: number | string,
    passKey: string,
    j: number,
    tap?: ForwardContext['tapFeature']
  ): ForwardContext
}

/** The models an attack differentiates, before any check: LGV members, ensemble members, or the surrogate. */
export function attackedModels(model: Classifier, config: AttackConfig): Classifier[] {
  return config.lgv ? config.lgv.members : config.ens ? config.ens.members : [model]
}

export function createModelLayer(
  model: Classifier,
  config: AttackConfig,
  rng: AttackRng,
  tapLayer?: string
): ModelLayer {
  const models = attackedModels(model, config)
  const order = config.lgv ? lgvOrder(models.length, rng.perRun('lgv-order')) : [0]
  const nGrad = config.lgv ? config.lgv.nGrad : 1
  const sgmResidual = config.sgm ? skipGradientResidual(config.sgm.gamma) : undefined

  const context = (
    t: number | string,
    passKey: string,
    j: number,
    tap?: ForwardContext['tapFeature']
  ): ForwardContext =>
    config.gn !== undefined || sgmResidual !== undefined || tap
      ? {
          training: false,
          transformSkip: config.gn
            ? ghostSkip(config.gn.range, rng.at('gn', t, passKey, j))
            : undefined,
          transformResidual: sgmResidual,
          tapFeature: tap
        }
      : EVAL

  const pass =
    (active: Classifier[], t: number, offset = 0): PassFn =>
    (x, passKey) => {
      if (active.length === 1) {
        let feature: tf.Tensor | undefined
        const tap = tapLayer
          ? (name: string, h: tf.Tensor) => (name === tapLayer && (feature = h), h)
          : undefined
        const logits = active[0].forward(x, context(t, passKey, offset, tap))
        return feature ? { logits, feature } : { logits }
      }
      const logits = active.map((m, j) => m.forward(x, context(t, passKey, offset + j)))
      // LGV's n_grad members are averaged in logits; an ensemble fuses as its config says.
      return config.ens
        ? fuseMembers(logits, config.ens)
        : ({ logits: tf.div(tf.addN(logits), active.length) as tf.Tensor2D } satisfies ModelOutput)
    }

  return {
    models,
    at: (t) => pass(config.lgv ? lgvMembersAt(order, t, nGrad).map((i) => models[i]) : models, t),
    member: (t, k) => pass([models[k]], t, k),
    context
  }
}
