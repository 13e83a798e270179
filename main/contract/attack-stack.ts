/**
 * The transferability techniques an attack can stack on BIM, with the paper's defaults.
 *
 * Gubri et al., "Going Further: Flatness at the Rescue of Early Stopping for Adversarial Example
 * Transferability" (arXiv 2304.02688), App. A and Table 4; values lost in the paper text were
 * recovered from the cited code (docs/attacks.md §1, §11). Every technique is off unless its key is
 * present; `{}` turns it on with the defaults. Each acts at one fixed place of the loop, so key
 * order never matters. `attackCostPerIteration` gives the forward-backward passes per example and
 * iteration (spec §2.5) so the UI can show the price of a stack before it runs.
 */
import { z } from 'zod'

const fraction = (field: string): z.ZodNumber => z.number().min(0, `${field} must be ≥ 0`)

/** Ghost Networks skip erosion (Li et al., AAAI 2020): λ ~ U[1−r, 1+r] per channel per forward pass. */
export const GnConfig = z.strictObject({ range: fraction('gn.range').max(1, 'gn.range must be ≤ 1').default(0.22) })
/** Skip Gradient Method (Wu et al., ICLR 2020): residual-branch gradient × γ; 0.2 for ResNets. */
export const SgmConfig = z.strictObject({ gamma: fraction('sgm.gamma').max(1, 'sgm.gamma must be ≤ 1 (1 turns SGM off)').default(0.2) })
/**
 * LGV (Gubri et al., ECCV 2022): one member of a weight collection per iteration, in a seeded order.
 * `sources` maps a surrogate name to its member model folders (saved with model-io); `collect`
 * instead collects members in the audit from each trained surrogate without a source, with LGV's
 * recipe (constant LR 0.05, 4 members per epoch over 10 epochs, batch 256; momentum 0.9, wd 1e-4).
 */
export const LgvConfig = z.strictObject({
  sources: z
    .array(z.strictObject({ surrogate: z.string().min(1), dirs: z.array(z.string().min(1)).min(1, 'an LGV source needs at least one member folder') }))
    .default([]),
  collect: z
    .strictObject({
      epochs: z.number().int().min(1).max(100).default(10),
      perEpoch: z.number().int().min(1).max(64).default(4),
      lr: z.number().positive().max(10).default(0.05),
      batchSize: z.number().int().positive().max(4096).default(256)
    })
    .optional(),
  nGrad: z.number().int().min(1).max(64).default(1)
})
/** Diverse Inputs (Xie et al., CVPR 2019), torchattacks' shrink-and-pad variant: r = 0.85, p = 0.8. */
export const DiConfig = z.strictObject({
  resizeRate: z.number().gt(0, 'di.resizeRate must be in (0, 1)').lt(1, 'di.resizeRate must be < 1: only shrink-and-pad is supported').default(0.85),
  prob: fraction('di.prob').max(1, 'di.prob must be ≤ 1').default(0.8)
})
/** Scale-Invariant copies (Lin et al., ICLR 2020): m = 5 copies z/2^i. */
export const SiConfig = z.strictObject({ copies: z.number().int().min(1, 'si.copies must be ≥ 1').max(16).default(5) })
/** Variance Tuning (Wang & He, CVPR 2021): N = 20, β = 1.5; μ = 0 for the isolated Table 4 row. */
export const VtConfig = z.strictObject({
  samples: z.number().int().min(0).max(100).default(20),
  beta: fraction('vt.beta').default(1.5),
  mu: fraction('vt.mu').default(0)
})
/** Momentum Iterative (Dong et al., CVPR 2018): μ = 1.2 in the paper. */
export const MiConfig = z.strictObject({ mu: fraction('mi.mu').default(1.2) })
/** Nesterov Iterative (Lin et al., ICLR 2020): μ = 0.6 in the paper. */
export const NiConfig = z.strictObject({ mu: fraction('ni.mu').default(0.6) })
/**
 * Reverse Adversarial Perturbation (Qin et al., NeurIPS 2022): 5 inner steps, ε_n = 0.75·ε, α_n = ε_n/5,
 * late start at t = 10, random inner init. `epsN` and `alphaN` default from ε when left out.
 */
export const RapConfig = z.strictObject({
  innerSteps: z.number().int().min(0).max(100).default(5),
  epsN: fraction('rap.epsN').max(1).optional(),
  alphaN: fraction('rap.alphaN').max(1).optional(),
  lateStart: z.number().int().min(0).default(10),
  randomInit: z.boolean().default(true)
})

export const AttackStack = z
  .strictObject({
    gn: GnConfig.optional(),
    sgm: SgmConfig.optional(),
    lgv: LgvConfig.optional(),
    di: DiConfig.optional(),
    si: SiConfig.optional(),
    vt: VtConfig.optional(),
    mi: MiConfig.optional(),
    ni: NiConfig.optional(),
    rap: RapConfig.optional()
  })
export type AttackStack = z.infer<typeof AttackStack>

export const TECHNIQUES = ['gn', 'sgm', 'lgv', 'di', 'si', 'vt', 'mi', 'ni', 'rap'] as const
export type TechniqueId = (typeof TECHNIQUES)[number]

/** What the UI lists for each technique: its layer of the loop (spec §2.1) and its paper. */
export interface TechniqueInfo {
  label: string
  layer: 'model' | 'oracle' | 'optimizer'
  paper: string
  /** Whether it draws random numbers (so repeats over seeds differ). */
  randomised: boolean
}

export const TECHNIQUE_INFO: Record<TechniqueId, TechniqueInfo> = {
  gn: { label: 'Ghost Networks', layer: 'model', paper: 'Li et al., AAAI 2020', randomised: true },
  sgm: { label: 'Skip Gradient Method', layer: 'model', paper: 'Wu et al., ICLR 2020', randomised: false },
  lgv: { label: 'Large Geometric Vicinity', layer: 'model', paper: 'Gubri et al., ECCV 2022', randomised: true },
  di: { label: 'Diverse Inputs', layer: 'oracle', paper: 'Xie et al., CVPR 2019', randomised: true },
  si: { label: 'Scale-Invariant copies', layer: 'oracle', paper: 'Lin et al., ICLR 2020', randomised: false },
  vt: { label: 'Variance Tuning', layer: 'optimizer', paper: 'Wang & He, CVPR 2021', randomised: true },
  mi: { label: 'Momentum', layer: 'optimizer', paper: 'Dong et al., CVPR 2018', randomised: false },
  ni: { label: 'Nesterov momentum', layer: 'optimizer', paper: 'Lin et al., ICLR 2020', randomised: false },
  rap: { label: 'Reverse Adversarial Perturbation', layer: 'optimizer', paper: 'Qin et al., NeurIPS 2022', randomised: true }
}

/** Techniques that patch the inside of residual blocks, so need an architecture with skip connections. */
export const NEEDS_SKIPS: readonly TechniqueId[] = ['gn', 'sgm']

/**
 * Forward-backward passes per example at iteration t (spec §2.5):
 * `(1 + N_VT)·m_SI·n_grad + [RAP ∧ t ≥ K_LS]·T_in·n_grad`. BIM costs 1.
 */
export function attackCostPerIteration(stack: AttackStack, t: number): number {
  const nGrad = stack.lgv?.nGrad ?? 1
  const oracle = (1 + (stack.vt?.samples ?? 0)) * (stack.si?.copies ?? 1) * nGrad
  const rap = stack.rap && t >= stack.rap.lateStart ? stack.rap.innerSteps * nGrad : 0
  return oracle + rap
}

/** Total forward-backward passes per example over `steps` iterations. */
export function attackCost(stack: AttackStack, steps: number): number {
  let total = 0
  for (let t = 0; t < steps; t++) total += attackCostPerIteration(stack, t)
  return total
}

/** Short label of a stack, e.g. "BIM + DI + MI". */
export function describeStack(stack: Partial<Record<TechniqueId, unknown>>): string {
  const on = TECHNIQUES.filter((id) => stack[id] !== undefined).map((id) => id.toUpperCase())
  return ['BIM', ...on].join(' + ')
}
