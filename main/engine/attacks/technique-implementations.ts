/**
 * The engine side of the technique registry: for every registered id, the hook it fills in the loop.
 * The loop asks this table for the technique in each slot (copy generator, gradient filter, estimator,
 * loop owner) instead of naming techniques; the model layer (GN, SGM, LGV, Ens), the objective
 * (logit, margin, FIA), the optimizer (MI, NI, RAP) and ILA's pipeline are fixed stages of the loop
 * that read their settings from the config. The mapped type makes a registry id without an entry here
 * a compile error.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { StackTechniqueId } from '../../contract/techniques/registry'
import type { AttackConfig } from './attack-config'
import type { AttackRng } from './attack-rng'
import { commonWeaknessAttack } from './ensemble/common-weakness'
import { svreAttack } from './ensemble/svre'
import type { CopyGenerator } from './gradient-oracle'
import { enhancedMomentumEstimator } from './gradient/enhanced-momentum'
import type { Estimator, EstimatorContext } from './gradient/estimator'
import { gradientRelevanceEstimator } from './gradient/gradient-relevance'
import { penalizedGradientNormEstimator } from './gradient/penalized-gradient-norm'
import { varianceTuningEstimator } from './gradient/variance-tuning'
import { admixGenerator } from './input-transformation/admix'
import { blockShuffleRotationGenerator } from './input-transformation/block-shuffle-rotation'
import { scaleCopy } from './input-transformation/scale-invariance'
import { structureInvariantGenerator } from './input-transformation/structure-invariant'
import { translationInvariantFilter } from './input-transformation/translation-invariant'
import type { LoopContext } from './loop-context'

/** What a hook may read about the batch being attacked. */
export interface BatchContext {
  x0: tf.Tensor4D
  /** The examples' true classes (the attack labels unless the attack is targeted). */
  labels: Int32Array
  rng: AttackRng
}

export interface TechniqueImplementation<C> {
  generator?: (settings: C, batch: BatchContext) => CopyGenerator
  filter?: (settings: C, batch: BatchContext) => (g: tf.Tensor4D) => tf.Tensor4D
  estimator?: (settings: C, ctx: EstimatorContext) => Estimator
  loop?: (settings: C, ctx: LoopContext) => tf.Tensor4D
}

type Settings<K extends StackTechniqueId> = K extends keyof AttackConfig
  ? NonNullable<AttackConfig[K]>
  : never

export const IMPLEMENTATIONS: { [K in StackTechniqueId]: TechniqueImplementation<Settings<K>> } = {
  // Model layer (model-layer.ts): member choice, skip erosion, residual-gradient scaling.
  gn: {},
  sgm: {},
  lgv: {},
  // DI transforms every copy inside the oracle (gradient-oracle.ts).
  di: {},
  si: { generator: (s) => ({ count: s.copies, copy: (z, k) => scaleCopy(z, k) }) },
  vt: { estimator: (s, ctx) => varianceTuningEstimator(s, ctx) },
  // Optimizer layer (attack-loop.ts): momentum, look-ahead, reverse perturbation.
  mi: {},
  ni: {},
  rap: {},
  ti: { filter: (s, b) => translationInvariantFilter(s, b.x0.shape[1], b.x0.shape[3]) },
  admix: {
    generator: (s, b) =>
      admixGenerator(s, s.pool ?? { images: b.x0, labels: b.labels }, b.labels, b.rng)
  },
  sia: { generator: (s, b) => structureInvariantGenerator(s, b.x0.shape[1], b.rng) },
  bsr: { generator: (s, b) => blockShuffleRotationGenerator(s, b.rng) },
  emi: { estimator: (s, ctx) => enhancedMomentumEstimator(s, ctx) },
  // Presets: expanded to VT + MI / VT + NI before the loop runs (expandPresets).
  vmi: {},
  vni: {},
  pgn: { estimator: (s, ctx) => penalizedGradientNormEstimator(s, ctx) },
  gra: { estimator: (s, ctx) => gradientRelevanceEstimator(s, ctx) },
  // Pipeline around the loop (objective/intermediate-level.ts) and objectives (objective/attack-objective.ts).
  ila: {},
  fia: {},
  logit: {},
  margin: {},
  // Ens fuses members in the model layer; SVRE and CWA own the loop.
  ens: {},
  svre: { loop: (s, ctx) => svreAttack(s, ctx) },
  cwa: { loop: (s, ctx) => commonWeaknessAttack(s, ctx) }
}

/** The enabled technique whose implementation fills `hook`, with its settings (at most one: slots). */
export function activeHook<H extends keyof TechniqueImplementation<unknown>>(
  config: AttackConfig,
  hook: H
):
  | {
      id: StackTechniqueId
      settings: unknown
      implementation: NonNullable<TechniqueImplementation<unknown>[H]>
    }
  | undefined {
  for (const id of Object.keys(IMPLEMENTATIONS) as StackTechniqueId[]) {
    const settings = (config as unknown as Record<string, unknown>)[id]
    const implementation = (IMPLEMENTATIONS[id] as TechniqueImplementation<unknown>)[hook]
    if (settings !== undefined && implementation) return { id, settings, implementation }
  }
  return undefined
}
