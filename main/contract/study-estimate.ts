/**
 * Estimated wall time of a study before it starts (issue 14: "the estimated time before Start"),
 * from throughputs measured on the active backend, like the audit form's estimate: passes ÷ passes
 * per second, task by task, then those tasks replayed on the worker pool the way the engine runs
 * them (graph-wall-time.ts). Counted: every training (targets once, in the first seed's audit;
 * then each seed's trained rows), the per-epoch test accuracy (a forward pass ≈ 1/3 of a
 * forward-backward), the SGD surrogates' per-epoch probes (validation BIM and Hessian sharpness,
 * inside their training task, so they lengthen it), LGV collections, the evaluation and every
 * attack of the queue. Derived rows cost nothing to train. Seeds run one after the other (one
 * audit each), so a seed's last long task leaves workers idle: the pool figure counts that.
 *
 * Throughputs must be those of one worker (a worker runs on cores ÷ workers threads):
 * `npm run bench:study-estimate` measures them so. Checked against the engine's real loops in CPU
 * time by `npm run bench:study-estimate-check` (one thread, load-independent; 2026-12-06, native
 * kernels): a training epoch takes 0.98–1.14 × the measured throughput's time, BIM (the probes and
 * the attacks) 1.27–1.40 × (its batches of 100, the projection and the targets' scoring), sharpness
 * 0.90–1.16 ×. The two loop factors below carry the medians; what the check cannot see is two
 * workers slowing each other down (shared caches and memory bandwidth), which only a run shows.
 */
import { AttackStack } from './attack-stack'
import { graphWallTime, type TimedTask } from './graph-wall-time'
import { attackPasses, knownDatasetSize, trainingPasses, type DatasetSize } from './time-estimate'
import { studyAttackQueue } from './study-plan'
import { STUDY_ROW_INFO, studySurrogateName } from './study-rows'
import type { StudySpec } from './study-spec'
import type { ThroughputEstimate } from './throughput'

/** Real training epoch ÷ its passes at the measured training throughput (bench:study-estimate-check). */
export const TRAINING_LOOP_FACTOR = 1.07
/** Real BIM ÷ its gradients at the measured gradient throughput (bench:study-estimate-check). */
export const ATTACK_LOOP_FACTOR = 1.33
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
  /** The first seed (which trains the targets) + the others, on one engine doing everything in turn; null while a throughput is missing. */
  totalSeconds: number | null
  /** Worker processes the pool figure is for. */
  workers: number
  /** Every seed's audit replayed on `workers` workers, one seed after the other; null while a throughput is missing. */
  poolSeconds: number | null
}

/** One task of a seed's audit graph, with the part of the estimate it counts in. */
interface EstimatedTask {
  id: string
  part: string
  deps: string[]
  passes: number
  seconds: number | null
  /** A per-epoch probe runs inside this training task (its own part, the task's time). */
  insideOf?: string
}

/** The graph the pool runs: each probe's time added to the training task it runs in. */
function poolTasks(tasks: (EstimatedTask & { seconds: number })[]): TimedTask[] {
  const inside = (id: string): number =>
    tasks.filter((t) => t.insideOf === id).reduce((a, t) => a + t.seconds, 0)
  return tasks
    .filter((t) => !t.insideOf)
    .map((t) => ({ id: t.id, deps: t.deps, seconds: t.seconds + inside(t.id) }))
}

export function estimateStudyTime(
  spec: StudySpec,
  size: DatasetSize,
  throughputOf: (arch: string, width: number, batchSize: number) => Throughput | undefined,
  workers = 1
): StudyTimeEstimate {
  const first = seedTasks(spec, size, throughputOf, true)
  const later = seedTasks(spec, size, throughputOf, false)
  const targetIds = new Set(
    [...spec.targets, ...spec.validation.targets].map((t) => trainId(t.name))
  )
  const parts = (tasks: EstimatedTask[]): StudyEstimatePart[] => {
    const byPart = new Map<string, StudyEstimatePart>()
    for (const t of tasks) {
      const p = byPart.get(t.part) ?? { label: t.part, passes: 0, seconds: 0 }
      p.passes += t.passes
      p.seconds = p.seconds === null || t.seconds === null ? null : p.seconds + t.seconds
      byPart.set(t.part, p)
    }
    return [...byPart.values()]
  }
  const known = (tasks: EstimatedTask[]): tasks is (EstimatedTask & { seconds: number })[] =>
    tasks.every((t) => t.seconds !== null)
  const sum = (tasks: EstimatedTask[]): number | null =>
    known(tasks) ? tasks.reduce((a, t) => a + t.seconds, 0) : null
  const wall = (tasks: EstimatedTask[]): number | null =>
    known(tasks) ? graphWallTime(poolTasks(tasks), workers) : null
  const targets = first.filter((t) => targetIds.has(t.id))
  const all = sum(first)
  const one = sum(later)
  const firstWall = wall(first)
  const laterWall = wall(later)
  const seeds = spec.seeds.length
  return {
    targets: parts(targets),
    perSeed: parts(later),
    seeds,
    totalSeconds: all === null || one === null ? null : all + (seeds - 1) * one,
    workers,
    poolSeconds:
      firstWall === null || laterWall === null ? null : firstWall + (seeds - 1) * laterWall
  }
}

const trainId = (model: string): string => `train-${model}`

/**
 * One seed's audit as the engine plans it (engine/tasks/plan-audit.ts): trainings (validation
 * targets, surrogates, targets), LGV collections, the evaluation (after every training), then the
 * attack queue. The first seed also trains the targets; later seeds import them from the zoo.
 */
function seedTasks(
  spec: StudySpec,
  size: DatasetSize,
  throughputOf: (arch: string, width: number, batchSize: number) => Throughput | undefined,
  trainsTargets: boolean
): EstimatedTask[] {
  const over = (passes: number, perSecond: number | undefined, factor: number): number | null =>
    perSecond && perSecond > 0 ? (passes / perSecond) * factor : null
  const evalPasses = (epochs: number): number => (epochs * size.test) / 3
  const tasks: EstimatedTask[] = []
  const validationIds = trainsTargets ? spec.validation.targets.map((v) => trainId(v.name)) : []
  const target = (t: StudySpec['targets'][number]): EstimatedTask => {
    const passes = trainingPasses(t, size.train) + evalPasses(t.recipe.epochs)
    const speed = throughputOf(t.arch, t.width, t.recipe.batchSize)?.trainImagesPerSecond
    return {
      id: trainId(t.name),
      part: `train target ${t.name} (${t.arch})`,
      deps: [],
      passes,
      seconds: over(passes, speed, TRAINING_LOOP_FACTOR)
    }
  }
  if (trainsTargets) tasks.push(...spec.validation.targets.map(target))
  const queue = studyAttackQueue(spec)
  const examples = Math.min(spec.attack.maxExamples, size.test)
  const lgvTasks: EstimatedTask[] = []
  const attackTasks: EstimatedTask[] = []
  for (const { arch, width } of spec.surrogates) {
    const speed = throughputOf(arch, width, spec.recipe.batchSize)
    const train = (passes: number): number | null =>
      over(passes, speed?.trainImagesPerSecond, TRAINING_LOOP_FACTOR)
    const grads = (passes: number): number | null =>
      over(passes, speed?.gradientsPerSecond, ATTACK_LOOP_FACTOR)
    for (const row of spec.rows) {
      const source = STUDY_ROW_INFO[row].source
      if (source.kind !== 'trained') continue
      const name = studySurrogateName(row, arch)
      const passes =
        trainingPasses(
          { recipe: { ...spec.recipe, minimizer: source.minimizer, optimizer: 'sgd' } },
          size.train
        ) + evalPasses(spec.recipe.epochs)
      tasks.push({
        id: trainId(name),
        part: `train ${row} on ${arch}`,
        deps: [],
        passes,
        seconds: train(passes)
      })
      if (row !== 'sgd') continue
      // The SGD surrogate is probed after every epoch, inside its own training task.
      const sgd = tasks[tasks.length - 1]
      sgd.deps = validationIds
      const steps = spec.validation.attack?.steps ?? spec.attack.steps
      const probe = spec.recipe.epochs * spec.validation.examples * steps
      const s = spec.track.sharpness
      const sharpness = s
        ? spec.recipe.epochs * 2 * (s.iterations + s.hutchinsonSamples) * s.examples
        : 0
      tasks.push(
        {
          id: `${sgd.id}:transfer`,
          part: `per-epoch validation transfer of sgd on ${arch}`,
          deps: [],
          insideOf: sgd.id,
          passes: probe,
          seconds: grads(probe)
        },
        ...(s
          ? [
              {
                id: `${sgd.id}:sharpness`,
                part: `per-epoch sharpness of sgd on ${arch}`,
                deps: [],
                insideOf: sgd.id,
                passes: sharpness,
                seconds: over(sharpness, speed?.trainImagesPerSecond, 1)
              }
            ]
          : [])
      )
    }
    const lgvFrom =
      queue.find((q) => q.stack?.lgv)?.surrogates?.filter((n) => n.endsWith(`.${arch}`)) ?? []
    for (const from of lgvFrom) {
      const passes = spec.lgv.epochs * size.train
      lgvTasks.push({
        id: `lgv-${from}`,
        part: `LGV collection on ${arch}`,
        deps: [trainId(from)],
        passes,
        seconds: train(passes)
      })
    }
    queue.forEach((q, stack) => {
      const mine = (q.surrogates ?? spec.rows.map((r) => studySurrogateName(r, arch))).filter(
        (n) => n.endsWith(`.${arch}`) && !n.startsWith('lgv.')
      )
      const passes = attackPasses(
        {
          steps: q.steps ?? spec.attack.steps,
          maxExamples: examples,
          repeats: 1,
          stack: AttackStack.parse(q.stack ?? {})
        },
        examples
      )
      for (const from of mine)
        attackTasks.push({
          id: `attack-${stack}-${from}`,
          part: `attacks from ${arch} surrogates`,
          deps: ['evaluate', ...(q.stack?.lgv ? [`lgv-${from}`] : [])],
          passes,
          seconds: grads(passes)
        })
    })
  }
  if (trainsTargets) tasks.push(...spec.targets.map(target))
  const trainings = tasks.filter((t) => t.id.startsWith('train-') && !t.insideOf)
  const derived = spec.rows.filter((r) => STUDY_ROW_INFO[r].source.kind === 'derived').length
  const scored = trainings.length + derived * spec.surrogates.length
  const evaluate = (scored * size.test) / 3
  const firstSpeed = throughputOf(
    spec.surrogates[0].arch,
    spec.surrogates[0].width,
    spec.recipe.batchSize
  )
  tasks.push(
    ...lgvTasks,
    {
      id: 'evaluate',
      part: 'natural accuracy of every model',
      deps: trainings.map((t) => t.id),
      passes: evaluate,
      seconds: over(evaluate, firstSpeed?.trainImagesPerSecond, 1)
    },
    ...attackTasks
  )
  return tasks
}
