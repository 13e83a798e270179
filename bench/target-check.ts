/**
 * `npm run bench:target-check`: the Target zoo wizard's check (engine query `check-target`) on the
 * committed ONNX and TensorFlow.js fixtures, each with its right preprocessing and with a deliberate
 * mistake, on 500 seeded test images of the embedded Fashion-MNIST subset, on the active backend.
 *
 * Prints the wall time of each check (the first one includes loading onnxruntime / tfjs kernels),
 * the accuracy with its denominator, and for a near-chance result the likely cause it names and the
 * accuracy of its fix. Figures, not assertions: CI does not run this.
 */
import { TargetCheckRequest, type TargetCheckRequestInput } from '../main/contract/target-zoo'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { loadEmbeddedDemo } from '../main/engine/data/embedded-demo'
import { checkTarget } from '../main/engine/targets/check-target'

await initBackend()
const data = await loadEmbeddedDemo()
const fixtures = new URL('../tests/fixtures/', import.meta.url).pathname
const FMNIST = { mean: [0.286], std: [0.353] }
const REVERSED = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
const cases: [string, TargetCheckRequestInput][] = [
  [
    'onnx fmnist-cnn, right prep (layout detected)',
    { format: 'onnx', path: `${fixtures}onnx/fmnist-cnn.onnx`, preprocessing: FMNIST }
  ],
  [
    'onnx fmnist-cnn, range [0, 255]',
    {
      format: 'onnx',
      path: `${fixtures}onnx/fmnist-cnn.onnx`,
      preprocessing: { ...FMNIST, range: [0, 255] }
    }
  ],
  ['onnx fmnist-cnn, no mean/std', { format: 'onnx', path: `${fixtures}onnx/fmnist-cnn.onnx` }],
  [
    'onnx fmnist-cnn, reversed classes',
    {
      format: 'onnx',
      path: `${fixtures}onnx/fmnist-cnn.onnx`,
      preprocessing: { ...FMNIST, classMap: REVERSED }
    }
  ],
  [
    'onnx fmnist-cnn, layout NHWC',
    {
      format: 'onnx',
      path: `${fixtures}onnx/fmnist-cnn.onnx`,
      preprocessing: { ...FMNIST, layout: 'NHWC' }
    }
  ],
  [
    'onnx fmnist-cnn-probs',
    {
      format: 'onnx',
      path: `${fixtures}onnx/fmnist-cnn-probs.onnx`,
      preprocessing: { ...FMNIST, output: 'probabilities' }
    }
  ],
  [
    'tfjs fmnist-layers',
    {
      format: 'tfjs',
      path: `${fixtures}tfjs/fmnist-layers/model.json`,
      preprocessing: { output: 'probabilities' }
    }
  ],
  [
    'tfjs fmnist-layers, reversed classes',
    {
      format: 'tfjs',
      path: `${fixtures}tfjs/fmnist-layers/model.json`,
      preprocessing: { classMap: REVERSED }
    }
  ],
  ['tfjs fmnist-graph', { format: 'tfjs', path: `${fixtures}tfjs/fmnist-graph/model.json` }]
]

console.log(
  `target check on ${backendDescription()}, 500 of ${data.test.count} test images (seed 0)`
)
for (const [label, request] of cases) {
  const started = performance.now()
  try {
    const r = await checkTarget(TargetCheckRequest.parse({ sampleSize: 500, ...request }), data)
    const seconds = ((performance.now() - started) / 1000).toFixed(2)
    const head = `${label.padEnd(42)} ${seconds.padStart(5)} s  ${(100 * r.accuracy).toFixed(1).padStart(5)} % (${r.correct}/${r.sampled})`
    const fix = r.warning
      ? `  near chance → ${r.warning.likelyCause}, fix gives ${(100 * (r.warning.fixedAccuracy ?? NaN)).toFixed(1)} %`
      : ''
    console.log(head + fix)
  } catch (err) {
    const seconds = ((performance.now() - started) / 1000).toFixed(2)
    console.log(
      `${label.padEnd(42)} ${seconds.padStart(5)} s  refused: ${(err as Error).message.replace(fixtures, '')}`
    )
  }
}
