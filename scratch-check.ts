import { TargetCheckRequest } from './main/contract/target-zoo'
import { initBackend } from './main/engine/backend/select-backend'
import { loadEmbeddedDemo } from './main/engine/data/embedded-demo'
import { checkTarget } from './main/engine/targets/check-target'
await initBackend()
const data = await loadEmbeddedDemo()
const cases: [string, object][] = [
  ['cnn-meanstd', { layout: 'NCHW' }],
  ['cnn-meanstd', { layout: 'NCHW', mean: [0.286], std: [0.353] }],
  ['mlp-zero-one', { layout: 'NCHW', range: [-1, 1] }],
  ['mlp-zero-one', { layout: 'NCHW' }],
  ['cnn-minus-one', { layout: 'NCHW' }],
  ['cnn-minus-one', { layout: 'NCHW', range: [-1, 1] }],
]
for (const [name, prep] of cases) {
  const t = Date.now()
  const r = await checkTarget(TargetCheckRequest.parse({ format: 'onnx', path: '/tmp/tmp.qEhH2mLAK2/' + name + '.onnx', preprocessing: prep }), data)
  console.log(name, JSON.stringify(prep), (r.accuracy * 100).toFixed(1), r.warning?.message ?? 'no warning', (Date.now() - t) + 'ms')
  console.log('   ', r.candidates.map((c) => c.change.slice(0, 40) + '=' + (c.accuracy * 100).toFixed(1)).join(' | '))
}
