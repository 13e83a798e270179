/**
 * `npm run bench:estimate -- --spec examples/demo-audit.json`: the New audit form's time estimate for a
 * spec, from throughputs measured here (the same `measureThroughput` the engine query runs), printed
 * part by part so it can be set against a real run's epoch and attack times. Imported ONNX
 * surrogates are measured from their files, as the form does. Embedded dataset only (the form knows
 * no other dataset's size before loading it).
 */
import { isImportedSurrogate } from '../main/contract/onnx-surrogate'
import { readFile } from 'node:fs/promises'
import { AuditSpec } from '../main/contract/audit-spec'
import { estimateAuditTime, formatDuration, knownDatasetSize } from '../main/contract/time-estimate'
import {
  ThroughputRequest,
  throughputRequestFor,
  type ThroughputEstimate
} from '../main/contract/throughput'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { measureThroughput } from '../main/engine/training/measure-throughput'

const specPath = process.argv[process.argv.indexOf('--spec') + 1]
if (!process.argv.includes('--spec') || !specPath)
  throw new Error('give the spec: npm run bench:estimate -- --spec examples/demo-audit.json')
const spec = AuditSpec.parse(JSON.parse(await readFile(specPath, 'utf8')))
const size = knownDatasetSize(spec.dataset)
if (!size)
  throw new Error(
    `dataset.source "${spec.dataset.source}": only the embedded dataset's size is known without loading it`
  )

await initBackend()
console.log(
  `backend: ${backendDescription()}; ${size.train} training images, ${size.test} test images`
)
const measured = new Map<string, ThroughputEstimate>()
const byRequest = new Map<string, ThroughputEstimate>() // an imported surrogate and its fine-tuned copy: once
for (const m of [...spec.surrogates, ...spec.targets]) {
  const request = ThroughputRequest.parse(throughputRequestFor(m, size))
  const key = JSON.stringify(request)
  const t = byRequest.get(key) ?? (await measureThroughput(request))
  byRequest.set(key, t)
  measured.set(m.name, t)
  const what = isImportedSurrogate(m) ? `imported ONNX ${m.path}` : `${m.arch}, width ${m.width}`
  console.log(
    `${m.name} (${what}, batch ${request.batchSize}): ${t.trainImagesPerSecond.toFixed(0)} train images/s, ${t.gradientsPerSecond.toFixed(0)} gradients/s (measured in ${t.seconds.toFixed(1)} s)`
  )
}
const estimate = estimateAuditTime({ ...spec, dataset: size, attacks: spec.attacks }, (role, i) =>
  measured.get((role === 'surrogate' ? spec.surrogates : spec.targets)[i].name)
)
for (const m of estimate.models) {
  const parts = [`train ${m.trainSeconds?.toFixed(1)} s (${m.trainPasses} passes)`]
  if (m.lgvPasses !== undefined) parts.push(`LGV collection ${m.lgvSeconds?.toFixed(1)} s`)
  if (m.attackPasses !== undefined)
    parts.push(
      `attack ${m.attackSeconds?.toFixed(1)} s (${m.attackPasses} passes, up to ${estimate.examples} examples)`
    )
  console.log(`  ${m.role} ${m.name}: ${parts.join(', ')}`)
}
console.log(
  `total: ${estimate.totalSeconds?.toFixed(1)} s (${formatDuration(estimate.totalSeconds ?? NaN)})`
)
