/**
 * `npm run bench:dataset -- /usr/share/datasets/fashion-mnist [--image-size 32] [--validation 5000]`:
 * what the Datasets view's Detect and Inspect cost on a real folder: the format detected, the
 * inspection's wall time, counts, memory estimate and the process's peak resident memory.
 */
import { DatasetSpec } from '../main/contract/audit-spec'
import { detectDataset } from '../main/engine/data/detect-dataset'
import { inspectDataset } from '../main/engine/data/inspect-dataset'

const args = process.argv.slice(2)
const option = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : undefined
}
const folder = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))
if (!folder)
  throw new Error(
    'give the dataset folder: npm run bench:dataset -- /usr/share/datasets/fashion-mnist'
  )
const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`

let t = performance.now()
const detection = await detectDataset(folder)
console.log(`detect: ${detection.message} (${(performance.now() - t).toFixed(0)} ms)`)
if (!detection.source) process.exit(1)

const validationSize = option('--validation') ?? 0
const dataset = DatasetSpec.parse({
  source: detection.source,
  path: folder,
  validationSize,
  ...(validationSize > 0 ? { splitSeed: 0 } : {}),
  ...(option('--image-size') ? { imageSize: option('--image-size') } : {})
})
t = performance.now()
const r = await inspectDataset({ dataset })
const wall = (performance.now() - t) / 1000
console.log(
  `inspect: ${r.name}, ${r.format}, ${r.classNames.length} classes, ${r.imageShape.join('×')}`
)
console.log(
  `  train ${r.train.count}${r.validation ? `, validation ${r.validation.count}` : ''}, test ${r.test.count}; ${r.samples.reduce((n, s) => n + s.images.length, 0)} sample PNGs`
)
console.log(
  `  memory estimate ${mb(r.memoryBytes)} (budget ${mb(r.memoryBudgetBytes)}); peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`
)
console.log(
  `  inspect wall time ${wall.toFixed(2)} s${r.problems.length ? `; problems: ${r.problems.join(' | ')}` : ''}`
)
