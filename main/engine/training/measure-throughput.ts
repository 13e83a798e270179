/**
 * Measures how fast one model (an architecture, or an imported ONNX surrogate) trains and attacks
 * on the active backend, so the UI can turn a recipe's pass count into an estimated time (issue 3:
 * "an estimated time on the active backend").
 *
 * One warm-up iteration (kernel compilation, allocation) is not timed; then a few SGD steps on
 * random images time a forward-backward pass over the batch, and a few input-gradient passes time
 * one attack iteration. Random pixels cost the same as real ones: the work depends on shapes only.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ThroughputEstimate, ThroughputRequest } from '../../contract/throughput'
import { Rng } from '../data/rng'
import { buildClassifier } from '../models/architecture-registry'
import type { Classifier } from '../models/classifier'
import { buildOnnxClassifier } from '../onnx/load-onnx-classifier'
import { readOnnxFile } from '../onnx/read-onnx-file'
import { BatchObjective } from './batch-objective'
import { SgdMomentum } from './sgd-step'

export type { ThroughputEstimate, ThroughputRequest }

/** The model a request names: a registry architecture with its initial weights, or an imported ONNX graph. */
async function modelOf(request: ThroughputRequest): Promise<Classifier> {
  const { inputShape, numClasses } = request
  if (request.onnx) {
    const { path, preprocessing } = request.onnx
    const { model, baseDir } = await readOnnxFile(path)
    return buildOnnxClassifier(path, model, baseDir, {
      preprocessing,
      batchNorm: 'update',
      inputShape,
      numClasses
    })
  }
  const normalization = {
    mean: new Array<number>(inputShape[2]).fill(0.5),
    std: new Array<number>(inputShape[2]).fill(0.25)
  }
  const { arch, width } = request
  if (arch === undefined || width === undefined)
    throw new Error('measureThroughput: give arch and width, or onnx')
  return buildClassifier({ arch, width, inputShape, numClasses, normalization }, new Rng(0))
}

/** `now` (milliseconds) is the clock: wall time by default; a benchmark on a busy machine passes CPU time. */
export async function measureThroughput(
  request: ThroughputRequest,
  now: () => number = () => performance.now()
): Promise<ThroughputEstimate> {
  const started = now()
  const iterations = request.iterations ?? 3
  const model = await modelOf(request)
  const optimizer = new SgdMomentum(0.9, 5e-4)
  const x = tf.randomUniform([request.batchSize, ...request.inputShape]) as tf.Tensor4D
  const y = tf.tensor1d(
    Array.from({ length: request.batchSize }, (_, i) => i % request.numClasses),
    'int32'
  )
  try {
    const objective = new BatchObjective(
      model,
      x,
      y,
      () => new Error('non-finite loss while measuring throughput')
    )
    const trainStep = async (): Promise<void> => {
      const grads = await objective.gradient('update')
      optimizer.step(model.params.trainable, grads, 0.01)
      tf.dispose([...grads.values()])
    }
    const gradientStep = async (): Promise<void> => {
      const { loss, grad } = await objective.inputGradient(x)
      await grad.data()
      tf.dispose([loss, grad])
    }
    const time = async (step: () => Promise<void>): Promise<number> => {
      await step() // warm-up, not timed
      const t0 = now()
      for (let i = 0; i < iterations; i++) await step()
      return (now() - t0) / 1000 / iterations
    }
    const trainSeconds = await time(trainStep)
    const gradientSeconds = await time(gradientStep)
    return {
      trainImagesPerSecond: request.batchSize / trainSeconds,
      gradientsPerSecond: request.batchSize / gradientSeconds,
      seconds: (now() - started) / 1000
    }
  } finally {
    tf.dispose([x, y])
    optimizer.dispose()
    model.params.dispose()
  }
}
