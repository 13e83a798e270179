/**
 * Trains a classifier with SGD (momentum, coupled weight decay, step LR schedule): the recipe of
 * the paper's baseline surrogate and of every target (training spec §2).
 *
 * Per epoch it reports loss, train and test accuracy, LR and wall time, and awaits `onEpoch`
 * (where the caller writes the checkpoint). It checks for cancellation after every batch and
 * stops with `NonFiniteLossError` before applying a step whose loss is NaN or infinite.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { TrainingRecipe } from '../../contract/audit-spec'
import type { EpochMetrics } from '../../contract/job-events'
import { augmentBatch } from '../data/augment'
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import type { Rng } from '../data/rng'
import { accuracyOf, predictSplit } from '../evaluation/predict'
import { NonFiniteLossError, throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import type { Classifier } from '../models/classifier'
import type { StatUpdate } from '../models/forward-context'
import { BN_MOMENTUM } from '../models/layers'
import { crossEntropy } from './cross-entropy'
import { learningRate } from './lr-schedule'
import { SgdMomentum } from './sgd-step'

export interface TrainOptions {
  name: string
  recipe: TrainingRecipe
  train: ImageSplit
  test: ImageSplit
  /** False for data whose label a mirror image changes (digits). */
  flipPreservesLabel: boolean
  rng: Rng
  signal?: AbortSignal
  /** Fraction of the whole training done (0–1) and a short text, after each batch. */
  onBatch?: (progress: number, detail: string) => void
  onEpoch?: (metrics: EpochMetrics) => Promise<void> | void
  /** Counts forward-backward passes (one per batch for SGD). */
  passes?: { count: number }
}

export async function trainClassifier(model: Classifier, options: TrainOptions): Promise<EpochMetrics[]> {
  const { recipe, train, rng } = options
  const shuffleRng = rng.fork('shuffle')
  const augmentRng = rng.fork('augment')
  const augment = { cropPadding: recipe.augment.cropPadding, flip: recipe.augment.flip && options.flipPreservesLabel }
  const optimizer = new SgdMomentum(recipe.momentum, recipe.weightDecay)
  const stepsPerEpoch = Math.ceil(train.count / recipe.batchSize)
  const history: EpochMetrics[] = []
  try {
    for (let epoch = 1; epoch <= recipe.epochs; epoch++) {
      const started = performance.now()
      const lr = learningRate(recipe.lr, recipe.lrSchedule, epoch)
      const order = shuffleRng.shuffle(range(train.count))
      let lossSum = 0
      let correct = 0
      for (let step = 0; step < stepsPerEpoch; step++) {
        throwIfCancelled(options.signal)
        const indices = order.slice(step * recipe.batchSize, (step + 1) * recipe.batchSize)
        const { loss, hits } = await trainStep(model, train, indices, augment, augmentRng, optimizer, lr)
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(options.name, epoch, step + 1, history.length)
        if (options.passes) options.passes.count++
        lossSum += loss * indices.length
        correct += hits
        options.onBatch?.(((epoch - 1) * stepsPerEpoch + step + 1) / (recipe.epochs * stepsPerEpoch), `epoch ${epoch}/${recipe.epochs}, loss ${loss.toFixed(3)}`)
        await yieldToEventLoop()
      }
      const testIndices = range(options.test.count)
      const testAccuracy = accuracyOf(await predictSplit(model, options.test, testIndices), options.test, testIndices)
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / train.count,
        trainAccuracy: correct / train.count,
        testAccuracy,
        lr,
        seconds: (performance.now() - started) / 1000
      }
      history.push(metrics)
      await options.onEpoch?.(metrics)
    }
  } finally {
    optimizer.dispose()
  }
  return history
}

/** One SGD iteration on one batch; returns the batch's mean loss and correct predictions. */
async function trainStep(
  model: Classifier,
  split: ImageSplit,
  indices: number[],
  augment: { cropPadding: number; flip: boolean },
  rng: Rng,
  optimizer: SgdMomentum,
  lr: number
): Promise<{ loss: number; hits: number }> {
  const statUpdates: StatUpdate[] = []
  const trainable = model.params.trainable
  const { value, grads, hits } = tf.tidy(() => {
    const batch = batchTensors(split, indices)
    const x = augmentBatch(batch.x, augment, rng)
    let hits: tf.Scalar | undefined
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.forward(x, { training: true, statUpdates })
      // variableGrads frees intermediates on return; keep the accuracy count it computes.
      hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'int32')) as tf.Scalar)
      return crossEntropy(logits, batch.y)
    }, [...trainable.values()])
    return { value, grads, hits: hits! }
  })
  const [loss] = await value.data()
  const [hitCount] = await hits.data()
  try {
    if (Number.isFinite(loss)) {
      const byName = new Map<string, tf.Tensor>()
      for (const [name, v] of trainable) byName.set(name, grads[v.name])
      optimizer.step(trainable, byName, lr)
      applyStatUpdates(statUpdates)
    }
  } finally {
    tf.dispose([value, hits, ...Object.values(grads)])
    for (const u of statUpdates) tf.dispose([u.batchMean, u.batchVariance])
  }
  return { loss, hits: hitCount }
}

/** Running statistics: r ← (1−m)·r + m·batch, PyTorch's momentum m = 0.1. */
export function applyStatUpdates(updates: StatUpdate[]): void {
  for (const u of updates) {
    tf.tidy(() => {
      u.mean.assign(tf.add(tf.mul(u.mean, 1 - BN_MOMENTUM), tf.mul(u.batchMean, BN_MOMENTUM)))
      u.variance.assign(tf.add(tf.mul(u.variance, 1 - BN_MOMENTUM), tf.mul(u.batchVariance, BN_MOMENTUM)))
    })
  }
}
