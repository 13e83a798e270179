/**
 * Builds the minimizer a recipe names, keyed by the stable ids of the contract
 * (`main/contract/minimizer-spec.ts`). Every minimizer wraps the caller's base SGD step.
 */
import type { MinimizerId, MinimizerSpec, MinimizerSpecOf } from '../../contract/minimizer-spec'
import type { SgdMomentum } from '../training/sgd-step'
import { Agsam } from './agsam'
import { Asam } from './asam'
import { Awp } from './awp'
import { Gsam } from './gsam'
import { LookSam } from './looksam'
import type { Minimizer } from './minimizer'
import { Sam } from './sam'
import { Sat } from './sat'
import { Sgd } from './sgd'
import { Swa } from './swa'
import { Wasam } from './wasam'

type Factory<Id extends MinimizerId> = (spec: MinimizerSpecOf<Id>, base: SgdMomentum) => Minimizer

const FACTORIES: { [Id in MinimizerId]: Factory<Id> } = {
  sgd: (_, base) => new Sgd(base),
  sam: (s, base) => new Sam(base, s.rho),
  asam: (s, base) => new Asam(base, { rho: s.rho, eta: s.eta, scaled: s.scaled }),
  gsam: (s, base) => new Gsam(base, { rho: s.rho, alpha: s.alpha, rhoMin: s.rhoMin }),
  agsam: (s, base) => new Agsam(base, { rho: s.rho, alpha: s.alpha, eta: s.eta, scaled: s.scaled }),
  looksam: (s, base) =>
    new LookSam(base, {
      rho: s.rho,
      k: s.k,
      alpha: s.alpha,
      warmupEpochs: s.warmupEpochs,
      projection: s.projection
    }),
  wasam: (s, base) => new Wasam(base, s.rho, s.averageStart),
  swa: (s, base) => new Swa(base, s.averageStart),
  sat: (s, base) => new Sat(base, { eps: s.eps, steps: s.steps, stepSize: s.stepSize }),
  awp: (s, base) => new Awp(base, s.gamma)
}

export function createMinimizer(spec: MinimizerSpec, base: SgdMomentum): Minimizer {
  const factory = FACTORIES[spec.id] as Factory<MinimizerId> | undefined
  if (!factory) throw new Error(`Error in createMinimizer: unknown minimizer "${spec.id}"`)
  return factory(spec as never, base)
}
