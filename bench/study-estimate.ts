/**
 * `npm run bench:study-estimate -- --preset fashion-mnist [--full]`: the New study form's time
 * estimate for a preset (or `--spec study.json`), from throughputs measured here with the same
 * `measureThroughput` the engine query runs, printed part by part. Run it alone on the machine for
 * a figure to trust; on a busy machine every part is slower by the load.
 */
import { readFile } from 'node:fs/promises'
import { formatDuration } from '../main/contract/time-estimate'
import {
  estimateStudyTime,
  studyDatasetSize,
  studyModels,
  type Throughput
} from '../main/contract/study-estimate'
import { STUDY_PRESETS, studyPreset, type StudyPresetName } from '../main/contract/study-presets'
import { StudySpec } from '../main/contract/study-spec'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { measureThroughput } from '../main/engine/training/measure-throughput'

const arg = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined
const preset = arg('--preset')
const specPath = arg('--spec')
if (!preset && !specPath)
  throw new Error(`give --preset (${STUDY_PRESETS.join(', ')}) or --spec study.json`)
const spec = StudySpec.parse(
  preset
    ? studyPreset(preset as StudyPresetName, {
        full: process.argv.includes('--full'),
        dataPath: arg('--data')
      })
    : JSON.parse(await readFile(specPath!, 'utf8'))
)
const size = studyDatasetSize(spec)
if (!size)
  throw new Error(
    'the size of this dataset is not known before loading it: set dataset.trainLimit and testLimit'
  )
await initBackend()
console.log(
  `backend: ${backendDescription()}; ${size.train} training images, ${size.test} test images, ${spec.seeds.length} seeds`
)
const measured = new Map<string, Throughput>()
for (const m of studyModels(spec)) {
  const t = await measureThroughput({
    arch: m.arch,
    width: m.width,
    inputShape: size.inputShape,
    numClasses: size.numClasses,
    batchSize: m.batchSize,
    iterations: 5
  })
  measured.set(JSON.stringify([m.arch, m.width, m.batchSize]), t)
  console.log(
    `  ${m.arch} width ${m.width} batch ${m.batchSize}: ${t.trainImagesPerSecond.toFixed(0)} train images/s, ${t.gradientsPerSecond.toFixed(0)} gradients/s`
  )
}
const estimate = estimateStudyTime(spec, size, (arch, width, batch) =>
  measured.get(JSON.stringify([arch, width, batch]))
)
const line = (p: { label: string; passes: number; seconds: number | null }) =>
  console.log(
    `  ${p.label}: ${(p.passes / 1e6).toFixed(2)} M passes, ${p.seconds === null ? '?' : formatDuration(p.seconds)}`
  )
console.log('targets (once, then reused from the zoo):')
estimate.targets.forEach(line)
console.log('one seed:')
estimate.perSeed.forEach(line)
const total = estimate.totalSeconds ?? NaN
console.log(
  `total for one engine: ${formatDuration(total)} (${(total / 3600).toFixed(2)} h); on a pool of 2 workers at best ${formatDuration(total / 2)}`
)
