/**
 * Estimated wall time of a study before it starts (issue 14: "the estimated time before Start"),
 * from throughputs measured on the active backend, like the audit form's estimate: passes ÷ passes
 * per second, part by part. Counted: every training (targets once, then each seed's trained rows),
 * the per-epoch test accuracy (a forward pass ≈ 1/3 of a forward-backward), the SGD surrogates'
 * per-epoch probes (validation BIM, Hessian sharpness), LGV collections and every attack of the
 * queue. Derived rows cost nothing to train. The figure is for one engine running everything in turn;
 * a pool of N workers divides the trainings and attacks between them (at most N times faster).
 */
import { AttackStack } from './attack-stack'
import { attackPasses, knownDatasetSize, trainingPasses, type DatasetSize } from './time-estimate'
import { studyAttackQueue } from './study-plan'
import { STUDY_ROW_INFO, studySurrogateName } from './study-rows'
import type { StudySpec } from './study-spec'
import type { ThroughputEstimate } from './throughput'

/** Training and test images of a study's data: known for the embedded subset, else read from its limits (or the usual size of its format). */
export function studyDatasetSize(spec: StudySpec): DatasetSize | null {
  const known = knownDatasetSize(spec.dataset)
  if (known) return known
  const usual = {
    'idx-folder': { train: 60000, test: 10000, inputShape: [28, 28, 1] },
    'cifar-binary': { train: 50000, test: 10000, inputShape: [32, 32, 3] }
  } as const
  const format =
    spec.dataset.source === 'idx-folder' || spec.dataset.source === 'cifar-binary'
      ? usual[spec.dataset.source]
      : null
  if (!format) return null
  const train = (spec.dataset.trainLimit || format.train) - spec.dataset.validationSize
  return {
    train,
    test: spec.dataset.testLimit || format.test,
    inputShape: [...format.inputShape],
    numClasses: 10
  }
}

/** The models whose throughput the estimate needs: every surrogate architecture and target, once each. */
export function studyModels(
  spec: StudySpec
): { arch: StudySpec['surrogates'][number]['arch']; width: number; batchSize: number }[] {
  const all = [
    ...spec.surrogates.map((s) => ({ ...s, batchSize: spec.recipe.batchSize })),
    ...[...spec.targets, ...spec.validation.targets].map((t) => ({
      arch: t.arch,
      width: t.width,
      batchSize: t.recipe.batchSize
    }))
  ]
  const seen = new Set<string>()
  return all.filter((m) => !seen.has(JSON.stringify(m)) && seen.add(JSON.stringify(m)))
}

export type Throughput = Pick<ThroughputEstimate, 'trainImagesPerSecond' | 'gradientsPerSecond'>

export interface StudyEstimatePart {
  label: string
  /** Forward-backward passes over one image. */
  passes: number
  /** null while a throughput it needs is not measured. */
  seconds: number | null
}

export interface StudyTimeEstimate {
  /** Targets (trained once; reused from the zoo when there), then one seed's parts. */
  targets: StudyEstimatePart[]
  perSeed: StudyEstimatePart[]
  seeds: number
  /** Targets + seeds × one seed, for one engine; null while a throughput is missing. */
  totalSeconds: number | null
}

export function estimateStudyTime(
  spec: StudySpec,
  size: DatasetSize,
  throughputOf: (arch: string, width: number, batchSize: number) => Throughput | undefined
): StudyTimeEstimate {
  const over = (passes: number, perSecond: number | undefined): number | null =>
    perSecond && perSecond > 0 ? passes / perSecond : null
  const evalPasses = (epochs: number): number => (epochs * size.test) / 3
  const targets = [...spec.targets, ...spec.validation.targets].map((t) => {
    const passes = trainingPasses(t, size.train) + evalPasses(t.recipe.epochs)
    return {
      label: `train target ${t.name} (${t.arch})`,
      passes,
      seconds: over(passes, throughputOf(t.arch, t.width, t.recipe.batchSize)?.trainImagesPerSecond)
    }
  })
  const perSeed: StudyEstimatePart[] = []
  const queue = studyAttackQueue(spec)
  const examples = Math.min(spec.attack.maxExamples, size.test)
  for (const { arch, width } of spec.surrogates) {
    const speed = throughputOf(arch, width, spec.recipe.batchSize)
    const train = (passes: number): number | null => over(passes, speed?.trainImagesPerSecond)
    const grads = (passes: number): number | null => over(passes, speed?.gradientsPerSecond)
    for (const row of spec.rows) {
      const source = STUDY_ROW_INFO[row].source
      if (source.kind !== 'trained') continue
      const passes =
        trainingPasses(
          { recipe: { ...spec.recipe, minimizer: source.minimizer, optimizer: 'sgd' } },
          size.train
        ) + evalPasses(spec.recipe.epochs)
      perSeed.push({ label: `train ${row} on ${arch}`, passes, seconds: train(passes) })
    }
    const steps = spec.validation.attack?.steps ?? spec.attack.steps
    const probeAttack = spec.recipe.epochs * spec.validation.examples * steps
    perSeed.push({
      label: `per-epoch validation transfer of sgd on ${arch}`,
      passes: probeAttack,
      seconds: grads(probeAttack)
    })
    const s = spec.track.sharpness
    if (s) {
      const passes = spec.recipe.epochs * 2 * (s.iterations + s.hutchinsonSamples) * s.examples
      perSeed.push({
        label: `per-epoch sharpness of sgd on ${arch}`,
        passes,
        seconds: train(passes)
      })
    }
    const lgvFrom =
      queue.find((q) => q.stack?.lgv)?.surrogates?.filter((n) => n.endsWith(`.${arch}`)) ?? []
    if (lgvFrom.length) {
      const passes = lgvFrom.length * spec.lgv.epochs * size.train
      perSeed.push({
        label: `LGV collection from ${lgvFrom.join(', ')}`,
        passes,
        seconds: train(passes)
      })
    }
    const attackedHere = queue.flatMap((q) => {
      const mine = (q.surrogates ?? spec.rows.map((r) => studySurrogateName(r, arch))).filter(
        (n) => n.endsWith(`.${arch}`) && !n.startsWith('lgv.')
      )
      const plan = {
        steps: q.steps ?? spec.attack.steps,
        maxExamples: examples,
        repeats: 1,
        stack: AttackStack.parse(q.stack ?? {})
      }
      return mine.map(() => attackPasses(plan, examples))
    })
    const passes = attackedHere.reduce((a, b) => a + b, 0)
    perSeed.push({
      label: `attacks from ${arch} surrogates (${attackedHere.length} stacks × surrogates)`,
      passes,
      seconds: grads(passes)
    })
  }
  const sum = (parts: StudyEstimatePart[]): number | null =>
    parts.every((p) => p.seconds !== null) ? parts.reduce((a, p) => a + (p.seconds ?? 0), 0) : null
  const t = sum(targets)
  const one = sum(perSeed)
  return {
    targets,
    perSeed,
    seeds: spec.seeds.length,
    totalSeconds: t === null || one === null ? null : t + spec.seeds.length * one
  }
}
