/** The Harden step's white-box and flatness settings with every default resolved: ε from the audit, steps from Stutz et al. */
import { stutzStepSize } from '../../contract/adversarial-training-spec'
import type { AuditSpec } from '../../contract/audit-spec'
import type { HardenSpec } from '../../contract/harden-spec'
import type { HardenResults } from '../../contract/harden-results'

export function measureSettings(
  spec: AuditSpec,
  harden: HardenSpec,
  testCount: number
): Omit<HardenResults['settings'], 'adversarialTraining' | 'accuracyWeight'> {
  const w = harden.whiteBox
  const whiteEps = w.eps ?? spec.attack.eps
  const f = harden.flatness
  const flatEps = f.eps ?? whiteEps
  return {
    whiteBox: {
      eps: whiteEps,
      steps: w.steps,
      stepSize: w.stepSize ?? stutzStepSize(whiteEps),
      restarts: w.restarts,
      examples: Math.min(w.examples, testCount)
    },
    flatness: {
      eps: flatEps,
      pgdSteps: f.pgdSteps,
      stepSize: f.stepSize ?? stutzStepSize(flatEps),
      examples: Math.min(f.examples, testCount),
      average: f.average,
      worst: f.worst
    }
  }
}
