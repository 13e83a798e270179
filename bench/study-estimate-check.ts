/**
 * `npm run bench:study-estimate-check -- [--preset fashion-mnist] [--rounds 3] [--images 5120] [--threads 1]`:
 * how far the study estimate's throughput (measure-throughput.ts: a few SGD steps on random pixels)
 * is from a real training epoch of the engine (trainClassifier on the preset's data: batching,
 * augmentation, the minimizer, the per-epoch test accuracy). For each surrogate architecture and
 * minimizer of the preset it alternates the two in one process, round after round, and prints
 * real seconds ÷ estimated seconds with its median and range. Both sides are timed in this
 * process's CPU time, on one thread (a pool worker's share of a 2-core machine): other processes
 * then barely change the ratio, so it holds on a busy machine where wall times do not.
 */
import { loadDataset } from '../main/engine/data/load-dataset'
import { Rng } from '../main/engine/data/rng'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { measureThroughput } from '../main/engine/training/measure-throughput'
import { trainClassifier } from '../main/engine/training/train-classifier'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { relativeCost } from '../main/contract/training-presets'
import { studyPreset, type StudyPresetName } from '../main/contract/study-presets'
import { StudySpec } from '../main/contract/study-spec'
import { STUDY_ROW_INFO } from '../main/contract/study-rows'
import { AttackSpec, TrainingRecipe } from '../main/contract/audit-spec'
import { range } from '../main/engine/data/dataset'
import { measureTransfer } from '../main/engine/evaluation/transfer-evaluation'
import { measureSharpness } from '../main/engine/sharpness/sharpness'
import { TRACKED_SHARPNESS_STEP } from '../main/engine/training/epoch-probes'

const arg = (name: string, fallback: string): string =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback
const rounds = Number(arg('--rounds', '3'))
const images = Number(arg('--images', '5120'))
const spec = StudySpec.parse(studyPreset(arg('--preset', 'fashion-mnist') as StudyPresetName))

await initBackend({ threads: Number(arg('--threads', '1')) })
/** Milliseconds of CPU this process has used (user + system). */
const cpuNow = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const data = await loadDataset({
  ...spec.dataset,
  trainLimit: images,
  testLimit: spec.dataset.testLimit,
  validationSize: 0
})
const normalization = measureNormalization(data.train.images, data.train.channels)
const inputShape: [number, number, number] = [
  data.train.height,
  data.train.width,
  data.train.channels
]
console.log(
  `backend: ${backendDescription()}; one real epoch of ${data.train.count} images (+ ${data.test.count} test images scored) vs the estimate, ${rounds} rounds`
)

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const minimizers = spec.rows.flatMap((row) => {
  const source = STUDY_ROW_INFO[row].source
  return source.kind === 'trained' ? [{ row, minimizer: source.minimizer }] : []
})
console.log('| surrogate | row | real ÷ estimated, median (range) |\n|---|---|---|')
for (const { arch, width } of spec.surrogates)
  for (const { row, minimizer } of minimizers) {
    const recipe = TrainingRecipe.parse({ ...spec.recipe, minimizer, epochs: 1 })
    const ratios: number[] = []
    for (let r = 0; r < rounds; r++) {
      const estimatedSeconds = async (): Promise<number> => {
        const t = await measureThroughput(
          {
            arch,
            width,
            inputShape,
            numClasses: 10,
            batchSize: recipe.batchSize,
            iterations: 5
          },
          cpuNow
        )
        const passes =
          relativeCost(minimizer, 1, Math.ceil(data.train.count / recipe.batchSize)) *
            data.train.count +
          data.test.count / 3
        return passes / t.trainImagesPerSecond
      }
      const realSeconds = async (): Promise<number> => {
        const model = buildClassifier(
          { arch, width, inputShape, numClasses: 10, normalization },
          new Rng(r).fork('init')
        )
        try {
          const t0 = cpuNow()
          await trainClassifier(model, {
            name: `${row}.${arch}`,
            recipe,
            train: data.train,
            test: data.test,
            flipPreservesLabel: data.flipPreservesLabel,
            rng: new Rng(r).fork('train')
          })
          return (cpuNow() - t0) / 1000
        } finally {
          model.params.dispose()
        }
      }
      // Alternate which goes first, so a change of load does not favour one side.
      let estimated: number
      let real: number
      if (r % 2 === 0) {
        estimated = await estimatedSeconds()
        real = await realSeconds()
      } else {
        real = await realSeconds()
        estimated = await estimatedSeconds()
      }
      ratios.push(real / estimated)
    }
    console.log(
      `| ${arch} w${width} | ${row} | **${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`
    )
  }

/** The per-epoch probes and the final attack: real CPU seconds ÷ the estimate's (study-estimate.ts). */
const attacks = [
  { label: 'validation BIM probe', steps: spec.validation.attack?.steps ?? spec.attack.steps },
  { label: 'Table 3 BIM', steps: spec.attack.steps }
]
const examples = Math.min(200, data.test.count)
for (const { arch, width } of spec.surrogates) {
  const model = buildClassifier(
    { arch, width, inputShape, numClasses: 10, normalization },
    new Rng(0).fork('init')
  )
  const measured = () =>
    measureThroughput(
      { arch, width, inputShape, numClasses: 10, batchSize: spec.recipe.batchSize, iterations: 5 },
      cpuNow
    )
  const rows: { label: string; real: () => Promise<void>; estimate: () => Promise<number> }[] =
    attacks.map(({ label, steps }) => ({
      label: `${label} (${steps} steps)`,
      real: async () => {
        const attack = AttackSpec.parse({
          eps: spec.attack.eps,
          steps,
          batchSize: spec.attack.batchSize,
          maxExamples: examples
        })
        await measureTransfer(
          { name: arch, model },
          [{ name: 'self', model }],
          data.test,
          range(examples),
          attack,
          {}
        )
      },
      estimate: async () => (examples * steps) / (await measured()).gradientsPerSecond
    }))
  const s = spec.track.sharpness
  if (s)
    rows.push({
      label: `sharpness (${s.examples} images, ${s.iterations} + ${s.hutchinsonSamples} HVPs)`,
      real: async () => {
        await measureSharpness(model, data.train, {
          indices: range(s.examples),
          h: TRACKED_SHARPNESS_STEP,
          maxIter: s.iterations,
          tol: 0,
          traceSamples: s.hutchinsonSamples,
          rng: new Rng(0)
        })
      },
      estimate: async () =>
        (2 * (s.iterations + s.hutchinsonSamples) * s.examples) /
        (await measured()).trainImagesPerSecond
    })
  for (const row of rows) {
    const ratios: number[] = []
    for (let r = 0; r < rounds; r++) {
      const estimated = await row.estimate()
      const t0 = cpuNow()
      await row.real()
      ratios.push((cpuNow() - t0) / 1000 / estimated)
    }
    console.log(
      `| ${arch} w${width} | ${row.label} | **${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`
    )
  }
  model.params.dispose()
}
