/**
 * `npm run bench:study-estimate -- --preset fashion-mnist [--workers N] [--full]`: the study's time
 * estimate for a preset (or `--spec study.json`), from throughputs measured here with the same
 * `measureThroughput` the engine query runs, at the threads one pool worker gets (cores ÷ workers,
 * pool-size.ts), printed part by part, then replayed on the pool (study-estimate.ts). Run it alone
 * on the machine for a figure to trust; on a busy machine every part is slower by the load, unless
 * `--cpu-time` (one thread per worker only): throughputs are then timed in this process's CPU time,
 * which other processes barely change — what the machine would give alone, less the slowdown two
 * workers cause each other.
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
import { poolShape } from '../main/engine/pool/pool-size'
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
const pool = poolShape({
  workers: arg('--workers') === undefined ? spec.workers : Number(arg('--workers'))
})
const cpuTime = process.argv.includes('--cpu-time')
if (cpuTime && pool.threads !== 1)
  throw new Error(
    `--cpu-time needs one thread per worker (CPU time adds up every thread's); this pool gives each worker ${pool.threads}`
  )
/** Milliseconds of CPU this process has used (user + system). */
const cpuNow = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
await initBackend({ threads: pool.threads })
console.log(
  `backend: ${backendDescription()} (one worker's share of a pool of ${pool.workers}), timed in ${cpuTime ? 'CPU' : 'wall'} time; ${size.train} training images, ${size.test} test images, ${spec.seeds.length} seeds`
)
const measured = new Map<string, Throughput>()
for (const m of studyModels(spec)) {
  const t = await measureThroughput(
    {
      arch: m.arch,
      width: m.width,
      inputShape: size.inputShape,
      numClasses: size.numClasses,
      batchSize: m.batchSize,
      iterations: 5
    },
    cpuTime ? cpuNow : undefined
  )
  measured.set(JSON.stringify([m.arch, m.width, m.batchSize]), t)
  console.log(
    `  ${m.arch} width ${m.width} batch ${m.batchSize}: ${t.trainImagesPerSecond.toFixed(0)} train images/s, ${t.gradientsPerSecond.toFixed(0)} gradients/s`
  )
}
const estimate = estimateStudyTime(
  spec,
  size,
  (arch, width, batch) => measured.get(JSON.stringify([arch, width, batch])),
  pool.workers
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
const wall = estimate.poolSeconds ?? NaN
console.log(
  `all parts one after the other: ${formatDuration(total)} (${(total / 60).toFixed(0)} min)\n` +
    `on ${pool.workers} worker${pool.workers === 1 ? '' : 's'} (seeds in turn, each seed's task graph as the engine runs it): ` +
    `${formatDuration(wall)} (${(wall / 60).toFixed(0)} min)`
)
