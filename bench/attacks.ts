/**
 * `npm run bench:attacks`: throughput of BIM and of each transferability technique alone, on the demo
 * surrogates (small-resnet w=16 for GN and SGM, small-cnn w=16 for the rest), on the active backend.
 *
 * Prints adversarial examples/s (T = 50, ε = 16/255, paper defaults for every technique, batch 50),
 * the measured time ratio to BIM on the same model, and the spec's forward-backward passes per
 * iteration (§2.5, averaged over the 50 iterations) that the ratio should track. Figures, not
 * assertions: CI does not run this. Each figure is the fastest of `BENCH_REPEATS` (2) runs, with BIM
 * timed right before each technique. `BENCH_STEPS=10` shortens it (RAP then never starts);
 * `BENCH_ONLY=gn,sgm` times only the listed techniques.
 */
import * as tf from '@tensorflow/tfjs-core'
import { AttackStack, attackCost, describeStack } from '../main/contract/attack-stack'
import { AttackSpec, TrainingRecipe } from '../main/contract/audit-spec'
import { attackConfigFromSpec } from '../main/engine/attacks/attack-config'
import { runAttack } from '../main/engine/attacks/attack-loop'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { batchTensors, limitSplit, range } from '../main/engine/data/dataset'
import { loadEmbeddedDemo } from '../main/engine/data/embedded-demo'
import { Rng } from '../main/engine/data/rng'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { Classifier, ModelConfig } from '../main/engine/models/classifier'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { trainClassifier } from '../main/engine/training/train-classifier'

await initBackend()
const data = await loadEmbeddedDemo()
const normalization = measureNormalization(data.train.images, 1)
const steps = Number(process.env.BENCH_STEPS ?? 50)
const batch = 50
const repeats = Number(process.env.BENCH_REPEATS ?? 2)
console.log(
  `backend: ${backendDescription()}, tfjs ${tf.version_core}; T = ${steps}, batch ${batch}, ε = 16/255, best of ${repeats}`
)

const build = (arch: ModelConfig['arch'], seed: number): Classifier =>
  buildClassifier(
    { arch, width: 16, inputShape: [28, 28, 1], numClasses: 10, normalization },
    new Rng(seed)
  )

async function demoSurrogate(arch: ModelConfig['arch']): Promise<Classifier> {
  const model = build(arch, 1)
  const recipe = TrainingRecipe.parse({ epochs: 1, batchSize: 64, lr: 0.05 })
  await trainClassifier(model, {
    name: arch,
    recipe,
    train: limitSplit(data.train, 1280),
    test: limitSplit(data.test, 10),
    flipPreservesLabel: true,
    rng: new Rng(2)
  })
  return model
}

const { x, y } = batchTensors(data.test, range(batch))
const runs: { arch: ModelConfig['arch']; stacks: Record<string, unknown>[] }[] = [
  { arch: 'small-resnet', stacks: [{ gn: {} }, { sgm: {} }] },
  {
    arch: 'small-cnn',
    stacks: [{ lgv: {} }, { di: {} }, { si: {} }, { vt: {} }, { mi: {} }, { ni: {} }, { rap: {} }]
  }
]
// `BENCH_ONLY=gn,sgm` times only the listed techniques.
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
for (const run of runs)
  if (only)
    run.stacks = run.stacks.filter((stack) => Object.keys(stack).some((id) => only.includes(id)))
for (const { arch, stacks } of runs) {
  if (stacks.length === 0) continue
  const model = await demoSurrogate(arch)
  const lgvMembers = [model, build(arch, 11), build(arch, 12), build(arch, 13)]
  /** Fastest of `repeats` runs: on a shared machine the minimum is the least load-distorted figure. */
  const time = async (config: ReturnType<typeof attackConfigFromSpec>): Promise<number> => {
    let best = Infinity
    for (let r = 0; r < repeats; r++) {
      const started = performance.now()
      const adv = runAttack(model, x, y, config)
      await adv.data()
      adv.dispose()
      best = Math.min(best, (performance.now() - started) / 1000)
    }
    return best
  }
  for (const stackInput of stacks) {
    const spec = AttackSpec.parse({ eps: 16 / 255, steps, repeats: 1, stack: stackInput })
    const config = attackConfigFromSpec(spec, 0, lgvMembers)
    const bimConfig = attackConfigFromSpec(
      AttackSpec.parse({ eps: 16 / 255, steps, repeats: 1 }),
      0
    )
    const warm = runAttack(model, x, y, { ...config, steps: 1 })
    warm.dispose()
    // BIM is timed right before each technique, so a machine whose load drifts skews the ratio less.
    const bimSeconds = await time(bimConfig)
    const seconds = await time(config)
    const passes = attackCost(AttackStack.parse(stackInput), steps) / steps
    const label = describeStack(spec.stack) + (spec.stack.lgv ? ' (K = 4)' : '')
    console.log(
      `${arch} w=16  ${label.padEnd(16)} ${(batch / seconds).toFixed(1).padStart(7)} adversarial examples/s  ` +
        `time ratio to BIM ${(seconds / bimSeconds).toFixed(2).padStart(6)} (BIM ${(batch / bimSeconds).toFixed(1)}/s)  spec passes/iteration ${passes.toFixed(2)}`
    )
  }
  for (const m of lgvMembers) m.params.dispose()
}
tf.dispose([x, y])
