/**
 * Which minimizer trains a surrogate, with the paper's hyper-parameters as defaults (training spec
 * §5, §4, §10). Gubri et al., "Going Further: Flatness at the Rescue of Early Stopping for
 * Adversarial Example Transferability", arXiv 2304.02688.
 *
 * Every minimizer wraps the same base step (SGD, momentum, coupled weight decay; spec §1.1): the
 * recipe's `lr`, `momentum`, `weightDecay` and schedule apply unchanged.
 */
import { z } from 'zod'

export const MINIMIZER_IDS = [
  'sgd',
  'sam',
  'asam',
  'gsam',
  'agsam',
  'looksam',
  'wasam',
  'swa',
  'sat',
  'awp'
] as const
export type MinimizerId = (typeof MINIMIZER_IDS)[number]

const rho = (value: number): z.ZodDefault<z.ZodNumber> => z.number().min(0).max(100).default(value)
/** First epoch of the weight average; left out, the method's own rule applies (spec §4, §5.5). */
const averageStart = z.number().int().positive().optional()
/** Which tensors ASAM scales: 'weights' = conv/dense kernels and BN γ (official ASAM); 'all' = every tensor. */
const scaled = (
  value: 'weights' | 'all'
): z.ZodDefault<z.ZodEnum<{ weights: 'weights'; all: 'all' }>> =>
  z.enum(['weights', 'all']).default(value)

export const SgdMinimizer = z.strictObject({ id: z.literal('sgd') })

/** SAM (Foret et al.): ρ 0.05; l-SAM ρ 0.3 (paper §5 text) or 0.4 (paper Table 5). */
export const SamMinimizer = z.strictObject({ id: z.literal('sam'), rho: rho(0.05) })

/** ASAM (Kwon et al.): ρ 0.5 (l-ASAM 3), η 0.01 (official code; not reported by the paper). */
export const AsamMinimizer = z.strictObject({
  id: z.literal('asam'),
  rho: rho(0.5),
  eta: z.number().min(0).max(10).default(0.01),
  scaled: scaled('weights')
})

/**
 * GSAM (Zhuang et al.): ρ 0.05 (l-GSAM 0.2), α 0.15. ρ is constant unless `rhoMin` is given, in
 * which case ρ follows the LR linearly from `rhoMin` (lowest LR) to `rho` (initial LR), as GSAM's scheduler.
 */
export const GsamMinimizer = z.strictObject({
  id: z.literal('gsam'),
  rho: rho(0.05),
  alpha: z.number().min(0).max(10).default(0.15),
  rhoMin: z.number().min(0).max(100).optional()
})

/** AGSAM = GSAM with ASAM's perturbation; GSAM's adaptive mode scales every tensor with η = 0. ρ 0.5 (l-AGSAM 4). */
export const AgsamMinimizer = z.strictObject({
  id: z.literal('agsam'),
  rho: rho(0.5),
  alpha: z.number().min(0).max(10).default(0.15),
  eta: z.number().min(0).max(10).default(0),
  scaled: scaled('all')
})

/** LookSAM (Liu et al.): ρ 0.05 (l-LookSAM 0.3), a full SAM step every k = 5, α 0.7, 3 SAM warm-up epochs (paper). */
export const LookSamMinimizer = z.strictObject({
  id: z.literal('looksam'),
  rho: rho(0.05),
  k: z.number().int().min(1).max(1000).default(5),
  alpha: z.number().min(0).max(10).default(0.7),
  warmupEpochs: z.number().int().min(0).default(3),
  /** Global norms/projection (Liu et al.) or per tensor (rollovd/LookSAM). */
  projection: z.enum(['global', 'per-tensor']).default('global')
})

/** WASAM (Kaddour et al.): SAM plus an average of end-of-epoch weights from epoch int(0.75·E), then BN recompute. */
export const WasamMinimizer = z.strictObject({
  id: z.literal('wasam'),
  rho: rho(0.05),
  averageStart
})

/** SWA as the paper runs it: plain SGD, average end-of-epoch weights of epochs e > 0.75·E, then BN recompute. */
export const SwaMinimizer = z.strictObject({ id: z.literal('swa'), averageStart })

/**
 * SAT (Springer et al.): train on L2 PGD examples of radius ε, `steps` steps of `stepSize`
 * (default ε/5). CIFAR-10: 7 steps, ε provisional 0.05 (stripped in our copy of the paper);
 * ImageNet: 3 steps, ε 0.1, step 2ε/3. ε is the L2 norm over the whole image in [0,1] pixels.
 */
export const SatMinimizer = z.strictObject({
  id: z.literal('sat'),
  eps: z.number().min(0).max(100).default(0.05),
  steps: z.number().int().min(0).max(100).default(7),
  stepSize: z.number().positive().max(100).optional()
})

/**
 * AWP (Wu, Xia & Wang, "Adversarial Weight Perturbation Helps Robust Generalization", NeurIPS 2020):
 * one ascent step on the weights, each kernel moved by γ·‖w_l‖ along its normalised gradient (biases
 * and normalisation layers untouched), then the step at the perturbed weights. Meant with the recipe's
 * `adversarial` PGD examples (AT-AWP); γ 5e-3 (paper).
 */
export const AwpMinimizer = z.object({
  id: z.literal('awp'),
  gamma: z.number().min(0).max(1).default(5e-3)
})

export const MinimizerSpec = z.discriminatedUnion(
  'id',
  [
    SgdMinimizer,
    SamMinimizer,
    AsamMinimizer,
    GsamMinimizer,
    AgsamMinimizer,
    LookSamMinimizer,
    WasamMinimizer,
    SwaMinimizer,
    SatMinimizer,
    AwpMinimizer
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown minimizer id: expected one of ${MINIMIZER_IDS.join(', ')}`
        : undefined
  }
)
export type MinimizerSpec = z.infer<typeof MinimizerSpec>
export type MinimizerSpecOf<Id extends MinimizerId> = Extract<MinimizerSpec, { id: Id }>
