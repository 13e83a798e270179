import { TargetCheckRequest } from './main/contract/target-zoo'
import { initBackend } from './main/engine/backend/select-backend'
import { loadEmbeddedDemo } from './main/engine/data/embedded-demo'
import { checkTarget } from './main/engine/targets/check-target'
await initBackend()
const data = await loadEmbeddedDemo()
for (const prep of [{ layout: 'NCHW', mean: [0.286], std: [0.353] }, { layout: 'NCHW' }, { layout: 'NCHW', range: [-1, 1], mean: [0.286], std: [0.353] }]) {
  for (const n of [60, 500]) {
  const r = await checkTarget(TargetCheckRequest.parse({ format: 'onnx', path: 'tests/fixtures/onnx/fmnist-cnn.onnx', preprocessing: prep, sampleSize: n, seed: 1 }), data)
  console.log(n, JSON.stringify(prep), (r.accuracy * 100).toFixed(1), r.warning?.message ?? 'no warning')
  }
}
