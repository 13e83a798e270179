/**
 * The resolved configuration of one attack run: the budget, the seed and the enabled techniques with
 * every default filled in (spec §2.6). Built from the contract's `AttackSpec` by `attackConfigFromSpec`,
 * or directly by tests and benches.
 */
import type { AttackSpec } from '../../contract/audit-spec'
import type { Classifier } from '../models/classifier'

export interface AttackConfig {
  norm: 'linf' | 'l2'
  eps: number
  /** Step size α. */
  alpha: number
  steps: number
  seed: number
  /** Labels are target classes and the loss is −CE on them (extension; the paper is untargeted). */
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
}

/** Fills in the spec's technique defaults that depend on ε (RAP's ε_n = 0.75·ε, α_n = ε_n/T_in). */
export function attackConfigFromSpec(spec: AttackSpec, seed: number, lgvMembers?: Classifier[]): AttackConfig {
  const { stack } = spec
  const config: AttackConfig = { norm: spec.norm, eps: spec.eps, alpha: spec.stepSize, steps: spec.steps, seed, targeted: spec.targeted }
  if (stack.gn) config.gn = { range: stack.gn.range }
  if (stack.sgm) config.sgm = { gamma: stack.sgm.gamma }
  if (stack.lgv) {
    if (!lgvMembers?.length) throw new Error('attack.stack.lgv: LGV needs member models; list their folders in attack.stack.lgv.sources')
    config.lgv = { members: lgvMembers, nGrad: stack.lgv.nGrad }
  }
  if (stack.di) config.di = { ...stack.di }
  if (stack.si) config.si = { ...stack.si }
  if (stack.vt) config.vt = { ...stack.vt }
  if (stack.mi) config.mi = { ...stack.mi }
  if (stack.ni) config.ni = { ...stack.ni }
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
  return Boolean(
    (config.di && config.di.prob > 0) ||
      (config.gn && config.gn.range > 0) ||
      (config.vt && config.vt.samples > 0 && config.vt.beta > 0) ||
      (config.rap && config.rap.randomInit && config.rap.epsN > 0) ||
      (config.lgv && config.lgv.members.length > 1)
  )
}
