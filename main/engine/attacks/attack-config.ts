/**
 * The resolved configuration of one attack run: the budget, the seed and the enabled techniques with
 * every default filled in (spec attacks.md §2.6). Built from the contract's `AttackSpec` by
 * `attackConfigFromSpec`, or directly by tests and benches. Technique keys mirror the stack's ids;
 * presets (VMI, VNI) arrive expanded. Settings stay in the units the registry gives them (ε, α, ε/T);
 * the implementations scale them with the run's budget.
 */
import type { z } from 'zod'
import { expandPresets } from '../../contract/attack-stack'
import type { AttackSpec } from '../../contract/audit-spec'
import {
  STACK_TECHNIQUE_IDS,
  STACK_TECHNIQUES,
  techniqueEntry
} from '../../contract/techniques/registry'
import type { Classifier } from '../models/classifier'

type Params<K extends keyof typeof STACK_TECHNIQUES> = z.infer<
  (typeof STACK_TECHNIQUES)[K]['schema']
>

/** Clean images with labels that Admix draws its add-ins from (the evaluation set). */
export interface CleanPool {
  images: import('@tensorflow/tfjs-core').Tensor4D
  labels: Int32Array
}

export interface AttackConfig {
  norm: 'linf' | 'l2'
  eps: number
  /** Step size α. */
  alpha: number
  steps: number
  seed: number
  /** Labels are target classes and the loss aims at them (extension; the paper is untargeted). */
  targeted?: boolean
  /** Loss reduction over the batch; the step does not depend on it (spec §2.4, oracle E21). */
  lossReduction?: 'sum' | 'mean'
  gn?: { range: number }
  sgm?: { gamma: number }
  /** Members replace the surrogate; iteration t uses order[t mod K]. */
  lgv?: { members: Classifier[]; nGrad: number }
  di?: { resizeRate: number; prob: number }
  si?: { copies: number }
  vt?: { samples: number; beta: number; mu: number }
  mi?: { mu: number }
  ni?: { mu: number }
  rap?: { innerSteps: number; epsN: number; alphaN: number; lateStart: number; randomInit: boolean }
  ti?: Params<'ti'>
  /** `pool` defaults to the attacked batch itself. */
  admix?: Params<'admix'> & { pool?: CleanPool }
  /** `ops` restricts SIA's block operations (tests); absent: all of them. */
  sia?: Params<'sia'> & { ops?: readonly string[] }
  bsr?: Params<'bsr'>
  emi?: Params<'emi'>
  pgn?: Params<'pgn'>
  gra?: Params<'gra'>
  ila?: Params<'ila'>
  fia?: Params<'fia'>
  logit?: Params<'logit'>
  margin?: Params<'margin'>
  /** Members replace the surrogate and are attacked as one. */
  ens?: { members: Classifier[]; fusion: 'logits' | 'probs' | 'loss'; weights?: number[] }
  svre?: Params<'svre'>
  cwa?: Params<'cwa'>
}

/** Models and data a stack needs beyond its settings: LGV and ensemble members, Admix's pool. */
export interface AttackResources {
  ensembleMembers?: Classifier[]
  pool?: CleanPool
}

/** Fills in the spec's technique defaults that depend on ε (RAP's ε_n = 0.75·ε, α_n = ε_n/T_in). */
export function attackConfigFromSpec(
  spec: AttackSpec,
  seed: number,
  lgvMembers?: Classifier[],
  resources: AttackResources = {}
): AttackConfig {
  const stack = expandPresets(spec.stack)
  const config: AttackConfig = {
    norm: spec.norm,
    eps: spec.eps,
    alpha: spec.stepSize,
    steps: spec.steps,
    seed,
    targeted: spec.targeted
  }
  const settings = config as unknown as Record<string, unknown>
  for (const id of STACK_TECHNIQUE_IDS) {
    const params = stack[id]
    if (params !== undefined) settings[id] = { ...params }
  }
  if (stack.lgv) {
    if (!lgvMembers?.length)
      throw new Error(
        'attack.stack.lgv: LGV needs member models; list their folders in attack.stack.lgv.sources'
      )
    config.lgv = { members: lgvMembers, nGrad: stack.lgv.nGrad }
  }
  if (stack.ens) {
    const members = resources.ensembleMembers
    if (!members || members.length !== stack.ens.members.length)
      throw new Error(
        `attack.stack.ens.members: the ensemble needs its ${stack.ens.members.length} trained surrogates (${stack.ens.members.join(', ')})`
      )
    config.ens = {
      members,
      fusion: stack.ens.fusion,
      ...(stack.ens.weights ? { weights: stack.ens.weights } : {})
    }
  }
  if (stack.admix && resources.pool) config.admix = { ...stack.admix, pool: resources.pool }
  if (stack.rap) {
    const epsN = stack.rap.epsN ?? 0.75 * spec.eps
    const innerSteps = stack.rap.innerSteps
    config.rap = {
      innerSteps,
      epsN,
      alphaN: stack.rap.alphaN ?? (innerSteps > 0 ? epsN / innerSteps : 0),
      lateStart: stack.rap.lateStart,
      randomInit: stack.rap.randomInit
    }
  }
  return config
}

/** True when the stack draws random numbers, so repeats with other seeds can differ (oracle E18). */
export function isRandomised(config: AttackConfig): boolean {
  return STACK_TECHNIQUE_IDS.some((id) => {
    const settings = (config as unknown as Record<string, unknown>)[id]
    if (settings === undefined) return false
    if (id === 'lgv') return (config.lgv?.members.length ?? 0) > 1
    if (id === 'svre') return (config.ens?.members.length ?? 0) > 1
    return techniqueEntry(id).randomised(settings as Record<string, unknown>)
  })
}
