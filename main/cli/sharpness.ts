/**
 * Hessian sharpness of any saved model: `npm run sharpness -- --model <model dir> [--examples 1000]`.
 *
 * λmax (power iteration) and trace (Hutchinson) of the training loss's Hessian on a fixed seeded
 * sample of the dataset's training images, with the same finite-difference step as the per-epoch
 * tracking of an audit, so a checkpoint measured here matches its curve. Exit codes: 0 done,
 * 1 failed, 2 bad arguments.
 */
import { resolve } from 'node:path'
import { backendDescription, initBackend } from '../engine/backend/select-backend'
import { range } from '../engine/data/dataset'
import { loadDataset } from '../engine/data/load-dataset'
import { Rng } from '../engine/data/rng'
import { loadClassifier } from '../engine/models/model-io'
import { measureSharpness } from '../engine/sharpness/sharpness'
import { TRACKED_SHARPNESS_STEP } from '../engine/training/epoch-probes'
import { parseSharpnessArgs, SHARPNESS_USAGE } from './sharpness-args'
import { runCli } from './run-cli'

async function main(argv: string[]): Promise<number> {
  const args = parseSharpnessArgs(argv)
  await initBackend()
  const { model, manifest } = await loadClassifier(resolve(args.model))
  try {
    const { train } = await loadDataset(args.dataset)
    const [h, w, c] = model.config.inputShape
    if (train.height !== h || train.width !== w || train.channels !== c)
      throw new Error(
        `the model takes ${h}×${w}×${c} images but the dataset has ${train.height}×${train.width}×${train.channels}: pick its dataset with --dataset/--path`
      )
    const step = args.step ?? TRACKED_SHARPNESS_STEP
    const indices = new Rng(args.seed)
      .fork('sharpness-sample')
      .shuffle(range(train.count))
      .slice(0, args.examples)
    const started = performance.now()
    const result = await measureSharpness(model, train, {
      indices,
      h: step,
      maxIter: args.iterations,
      traceSamples: args.hutchinsonSamples,
      checkStep: args.checkStep,
      rng: new Rng(args.seed).fork('sharpness-cli')
    })
    const seconds = (performance.now() - started) / 1000
    const summary = {
      model: manifest.name,
      examples: indices.length,
      step,
      maxEigenvalue: result.topEigenvalue.eigenvalue,
      powerIterations: result.topEigenvalue.iterations,
      converged: result.topEigenvalue.converged,
      trace: result.trace.trace,
      traceStandardError: result.trace.standardError,
      hvps: result.hvps,
      ...(result.stepCheck === undefined ? {} : { stepCheck: result.stepCheck }),
      seconds,
      backend: backendDescription()
    }
    if (args.json) process.stdout.write(JSON.stringify(summary) + '\n')
    else
      process.stdout.write(
        `${manifest.name}: λmax ${summary.maxEigenvalue.toPrecision(5)} (${summary.powerIterations} iterations${summary.converged ? ', converged' : ', not converged'}), ` +
          `trace ${summary.trace.toPrecision(5)} ± ${summary.traceStandardError.toPrecision(2)} (1 SE, ${args.hutchinsonSamples} probes) ` +
          `on ${indices.length} training images, h = ${step}` +
          (summary.stepCheck === undefined
            ? ''
            : `, step check ${(summary.stepCheck * 100).toFixed(1)} %`) +
          `, ${result.hvps} HVPs in ${seconds.toFixed(1)} s\n`
      )
    return 0
  } finally {
    model.params.dispose()
  }
}

runCli(main, SHARPNESS_USAGE)
