/**
 * PGD adversarial training (Madry et al., "Towards Deep Learning Models Resistant to Adversarial
 * Attacks", ICLR 2018): every mini-batch is replaced by L∞ PGD examples (uniform random start in the
 * ε-box, signed steps, projection, [0,1] clipping) crafted on the current weights, then the recipe's
 * minimizer steps on them (SGD: AT; SAM: SAM + AT as in Wei et al. 2024; AWP: Wu et al. 2020).
 *
 * Defaults are Stutz, Hein & Schiele's (ICCV 2021; CIFAR-10, the only data of the paper): ε 8/255,
 * 7 steps of 0.007. Cost: steps + the minimizer's own passes per iteration.
 */
import { z } from 'zod'

/** Stutz et al.'s PGD step (0.007 at ε = 8/255), scaled with ε when ε changes. */
export const STUTZ_EPS = 8 / 255
export const STUTZ_STEP = 0.007
export function stutzStepSize(eps: number): number {
  return (STUTZ_STEP * eps) / STUTZ_EPS
}

/** An L∞ radius in [0,1] pixel units, named in its messages. */
export const LinfRadius = (what: string): z.ZodNumber =>
  z
    .number()
    .gt(0, `${what} must be in (0, 1]: an L∞ radius in [0,1] pixel units, e.g. 0.0314 for 8/255`)
    .max(1, `${what} must be in (0, 1]: an L∞ radius in [0,1] pixel units, e.g. 0.0314 for 8/255`)

export const AdversarialTrainingSpec = z
  .strictObject({
    eps: LinfRadius('eps').default(STUTZ_EPS),
    steps: z
      .number()
      .int()
      .min(1, 'steps must be at least 1')
      .max(100, 'steps must be at most 100')
      .default(7),
    /** Defaults to 0.007 · ε / (8/255): Stutz et al.'s 0.007 at 8/255. */
    stepSize: z.number().positive().max(1).optional(),
    randomStart: z.boolean().default(true)
  })
  .transform((a) => ({ ...a, stepSize: a.stepSize ?? stutzStepSize(a.eps) }))
export type AdversarialTrainingSpec = z.infer<typeof AdversarialTrainingSpec>
