/**
 * Per-epoch probes of a surrogate while it trains (training spec §3 and §8, the paper's Figure 5):
 * validation transfer — BIM from the epoch's checkpoint on validation images, scored on validation
 * targets — and Hessian sharpness of the training loss on a fixed seeded sample of training images.
 *
 * Leakage is ruled out by construction: a probe only ever holds the validation split and the
 * validation targets (handed in by `addValidationTarget`), never a test image or a test target, and
 * the early-stopping choice reads only the matrix it collected (tagged `role: 'validation'`).
 */
import { AttackSpec, type AuditSpec, type ModelSpec } from '../../contract/audit-spec'
import type { EpochMetrics } from '../../contract/job-events'
import { range, type ImageSplit } from '../data/dataset'
import { Rng } from '../data/rng'
import { predictSplit } from '../evaluation/predict'
import {
  commonlyCorrect,
  measureTransfer,
  type NamedTarget
} from '../evaluation/transfer-evaluation'
import type { Classifier } from '../models/classifier'
import { measureSharpness } from '../sharpness/sharpness'
import { selectEarlyStopEpoch, type EarlyStopChoice } from './early-stopping'

/**
 * Finite-difference step of tracked sharpness, larger than the HVP default (1e-3): on ReLU nets a tiny
 * h sees every kink crossed within ±h (see sharpness.ts). Measured on the demo's trained small-cnn
 * (width 8, 1,000 training images, `npm run sharpness -- --check-step --step h`): the h vs h/2 gap on a
 * random direction is 40.6 % at 1e-3, 18.0 % at 1e-2, 13.6 % at 3e-2, while λmax reads 104.7, 106.4
 * and 110.1 — so 1e-2 halves the kink noise and keeps λmax within 2 % of the small-step value, where
 * 3e-2 starts to bias it. The gap is direction noise the Hutchinson average also carries; λmax, found
 * along a smooth dominant direction, is the steadier of the two curves.
 */
export const TRACKED_SHARPNESS_STEP = 1e-2

export type ValidationTransfer = NonNullable<EpochMetrics['validationTransfer']>

/** The attack of validation: the audit's attack as plain BIM, one repeat, with the validation overrides. */
export function validationAttack(spec: AuditSpec): AttackSpec {
  const a = spec.attack
  const o = spec.validation?.attack ?? {}
  // A new eps without a new step size gets the default eps/10 again.
  const stepSize = o.stepSize ?? (o.eps === undefined ? a.stepSize : undefined)
  return AttackSpec.parse({
    norm: o.norm ?? a.norm,
    eps: o.eps ?? a.eps,
    steps: o.steps ?? a.steps,
    stepSize,
    batchSize: o.batchSize ?? a.batchSize,
    maxExamples: spec.validation?.examples ?? 500,
    seed: a.seed ?? spec.seed,
    repeats: 1,
    targeted: a.targeted
  })
}

export class EpochProbes {
  private readonly targets: NamedTarget[] = []
  private examples: number[] | undefined
  private readonly attack: AttackSpec | undefined
  /** Per surrogate: epochs and their per-validation-target success rates (rows). */
  private readonly history = new Map<string, { epochs: number[]; success: number[][] }>()

  constructor(
    private readonly spec: AuditSpec,
    private readonly split: { train: ImageSplit; validation?: ImageSplit },
    private readonly signal?: AbortSignal
  ) {
    this.attack = spec.validation ? validationAttack(spec) : undefined
  }

  /** A validation target (trained on the train split or imported); never a test target. */
  addValidationTarget(target: NamedTarget): void {
    this.targets.push(target)
    this.examples = undefined
  }

  /** Whether this surrogate needs probing at every epoch. */
  tracks(model: ModelSpec): boolean {
    return Boolean(model.earlyStopping || model.track?.transfer || model.track?.sharpness)
  }

  /** The extra epoch metrics of `model` (a surrogate) at `epoch`; nothing when it tracks nothing. */
  async measure(
    modelSpec: ModelSpec,
    model: Classifier,
    epoch: number
  ): Promise<Pick<EpochMetrics, 'validationTransfer' | 'sharpness'>> {
    const out: Pick<EpochMetrics, 'validationTransfer' | 'sharpness'> = {}
    if (modelSpec.earlyStopping || modelSpec.track?.transfer)
      out.validationTransfer = await this.validationTransfer(modelSpec.name, model, epoch)
    const tracking = modelSpec.track?.sharpness
    if (tracking) {
      const sample = new Rng(this.spec.seed)
        .fork('sharpness-sample')
        .shuffle(range(this.split.train.count))
        .slice(0, tracking.examples)
      const result = await measureSharpness(model, this.split.train, {
        indices: sample,
        h: TRACKED_SHARPNESS_STEP,
        maxIter: tracking.iterations,
        traceSamples: tracking.hutchinsonSamples,
        // The same directions every epoch, so the curve's changes come from the weights.
        rng: new Rng(this.spec.seed).fork(`sharpness-${modelSpec.name}`),
        signal: this.signal
      })
      out.sharpness = { maxEigenvalue: result.topEigenvalue.eigenvalue, trace: result.trace.trace }
    }
    return out
  }

  /** The epoch with the best mean validation transfer (ties → earliest) and a sentence saying so. */
  choose(surrogate: string, totalEpochs: number): EarlyStopChoice & { reason: string } {
    const h = this.history.get(surrogate)
    if (!h)
      throw new Error(
        `Error in EpochProbes.choose: no validation transfer was measured for "${surrogate}"`
      )
    const choice = selectEarlyStopEpoch(
      {
        role: 'validation',
        epochs: h.epochs,
        targets: { role: 'validation', items: this.targets.map((t) => t.name) },
        success: h.success
      },
      totalEpochs
    )
    const attacked = this.examples?.length ?? 0
    const row = h.success[h.epochs.indexOf(choice.epoch)]
    const fooled = row.reduce((n, rate) => n + Math.round(rate * attacked), 0)
    const over = this.targets.length === 1 ? '' : ` over ${this.targets.length} validation targets`
    const reason = `best validation transfer ${(choice.meanSuccess * 100).toFixed(1)} % (${fooled}/${attacked * this.targets.length}${over}) of ${totalEpochs} epochs`
    return { ...choice, reason }
  }

  /** Validation images attacked per epoch (0 until the first validation transfer). */
  get validationAttacked(): number {
    return this.examples?.length ?? 0
  }

  /** Names of the targets validation transfer is scored on. */
  get validationTargetNames(): string[] {
    return this.targets.map((t) => t.name)
  }

  private async validationExamples(): Promise<number[]> {
    if (this.examples) return this.examples
    const validation = this.split.validation
    if (!validation || !this.attack)
      throw new Error(
        'validation transfer needs the validation block and dataset.validationSize > 0'
      )
    if (this.targets.length === 0)
      throw new Error('validation transfer needs at least one validation target')
    const candidates = range(validation.count)
    const predictions: Int32Array[] = []
    for (const t of this.targets)
      predictions.push(await predictSplit(t.model, validation, candidates))
    this.examples = commonlyCorrect(validation, candidates, predictions).slice(
      0,
      this.attack.maxExamples
    )
    if (this.examples.length === 0)
      throw new Error(
        `no validation image is classified correctly by every validation target (${this.targets.map((t) => t.name).join(', ')}): train them longer or raise dataset.validationSize`
      )
    return this.examples
  }

  private async validationTransfer(
    name: string,
    model: Classifier,
    epoch: number
  ): Promise<ValidationTransfer> {
    const examples = await this.validationExamples()
    const result = await measureTransfer(
      { name, model },
      this.targets,
      this.split.validation!,
      examples,
      this.attack!,
      { signal: this.signal }
    )
    const h = this.history.get(name) ?? { epochs: [], success: [] }
    h.epochs.push(epoch)
    h.success.push(result.cells.map((c) => c.successRate))
    this.history.set(name, h)
    const fooled = result.cells.reduce((n, c) => n + c.fooled, 0)
    const attacked = examples.length * this.targets.length
    return { rate: fooled / attacked, fooled, attacked }
  }
}
