/**
 * Trains a classifier with the recipe's minimizer wrapped around SGD (momentum, coupled weight
 * decay, LR schedule): plain SGD is the paper's baseline surrogate and every target (training spec
 * §2); SAM, ASAM, GSAM, AGSAM, LookSAM, WASAM and SWA are its flat-minima surrogates (§4, §5).
 *
 * Per epoch it reports loss, train and test accuracy, LR, wall time and forward-backward passes,
 * and awaits `onEpoch` (where the caller writes the checkpoint). It checks for cancellation after
 * every batch and stops with `NonFiniteLossError` before applying a step whose loss is NaN or
 * infinite. Weight-averaging minimizers swap in their average (and recompute batch-norm
 * statistics) after the last epoch, so the returned model is the surrogate to attack.
 *
 * Resumable exactly: after each epoch `onCheckpoint` gets the rest of the training state (momentum,
 * minimizer state, RNG positions, metrics; see training-state.ts), and `resume` takes such a state
 * back into a model loaded from the same epoch's weights, so the run continues bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { TrainingRecipe } from '../../contract/audit-spec'
import type { EpochMetrics } from '../../contract/job-events'
import { augmentBatch } from '../data/augment'
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import { Rng } from '../data/rng'
import { accuracyOf, predictSplit } from '../evaluation/predict'
import { NonFiniteLossError, throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import { withAdversarialTraining } from '../minimizers/adversarial-training'
import type { Minimizer } from '../minimizers/minimizer'
import { createMinimizer } from '../minimizers/minimizer-registry'
import type { Classifier } from '../models/classifier'
import { BatchObjective } from './batch-objective'
import { learningRate } from './lr-schedule'
import { recomputeBatchNorm } from './recompute-batch-norm'
import { SgdMomentum } from './sgd-step'
import { disposeTrainingState, type TrainingState } from './training-state'

export { applyStatUpdates } from './apply-stat-updates'

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
  /**
   * Continue after `resume.epoch` (the model already holds that epoch's weights). Its tensors are
   * copied in and then disposed here, whether training succeeds or not.
   */
  resume?: TrainingState
  /** After each epoch's `onEpoch`: the state to save next to its checkpoint (tensors borrowed until it resolves). */
  onCheckpoint?: (state: TrainingState) => Promise<void> | void
  /** Counts forward-backward passes over a mini-batch (one per batch for SGD, two for SAM). */
  passes?: { count: number }
}

export async function trainClassifier(
  model: Classifier,
  options: TrainOptions
): Promise<EpochMetrics[]> {
  const { recipe, train, rng, resume } = options
  const shuffleRng = resume ? new Rng(resume.rng.shuffle) : rng.fork('shuffle')
  const augmentRng = resume ? new Rng(resume.rng.augment) : rng.fork('augment')
  const augment = {
    cropPadding: recipe.augment.cropPadding,
    flip: recipe.augment.flip && options.flipPreservesLabel
  }
  const optimizer = new SgdMomentum(recipe.momentum, recipe.weightDecay)
  const minimizerSpec = recipe.minimizer ?? { id: 'sgd' }
  const minimizer = withAdversarialTraining(
    createMinimizer(minimizerSpec, optimizer),
    recipe.adversarial,
    rng.fork('adversarial').position
  )
  const stepsPerEpoch = Math.ceil(train.count / recipe.batchSize)
  const rates = range(recipe.epochs).map((i) =>
    learningRate(recipe.lr, recipe.lrSchedule, i + 1, recipe.epochs)
  )
  const lrRange = { min: Math.min(...rates), max: Math.max(...rates) }
  const history: EpochMetrics[] = [...(resume?.history ?? [])]
  try {
    if (resume)
      restoreState(
        resume,
        model,
        optimizer,
        minimizer,
        options.name,
        recipe.epochs,
        minimizerSpec.id
      )
    for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= recipe.epochs; epoch++) {
      const started = performance.now()
      const lr = rates[epoch - 1]
      const order = shuffleRng.shuffle(range(train.count))
      let lossSum = 0
      let correct = 0
      let passes = 0
      for (let step = 0; step < stepsPerEpoch; step++) {
        throwIfCancelled(options.signal)
        const indices = order.slice(step * recipe.batchSize, (step + 1) * recipe.batchSize)
        // Augment once: every pass of the iteration sees the same tensors (spec §1.3).
        const { x, y } = tf.tidy(() => {
          const batch = batchTensors(train, indices)
          return { x: augmentBatch(batch.x, augment, augmentRng), y: batch.y }
        })
        const objective = new BatchObjective(
          model,
          x,
          y,
          () => new NonFiniteLossError(options.name, epoch, step + 1, history.length, [...history])
        )
        try {
          await minimizer.iterate(objective, {
            epoch,
            index: step,
            epochs: recipe.epochs,
            lr,
            lrRange
          })
        } finally {
          tf.dispose([x, y])
          passes += objective.passes
          if (options.passes) options.passes.count += objective.passes
        }
        lossSum += objective.loss * indices.length
        correct += objective.hits
        options.onBatch?.(
          ((epoch - 1) * stepsPerEpoch + step + 1) / (recipe.epochs * stepsPerEpoch),
          `epoch ${epoch}/${recipe.epochs}, loss ${objective.loss.toFixed(3)}`
        )
        await yieldToEventLoop()
      }
      minimizer.endEpoch?.(epoch, recipe.epochs, model.params.trainable)
      const testIndices = range(options.test.count)
      const testAccuracy = accuracyOf(
        await predictSplit(model, options.test, testIndices),
        options.test,
        testIndices
      )
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / train.count,
        trainAccuracy: correct / train.count,
        testAccuracy,
        lr,
        seconds: (performance.now() - started) / 1000,
        passes
      }
      history.push(metrics)
      await options.onEpoch?.(metrics)
      await options.onCheckpoint?.({
        epoch,
        history: [...history],
        rng: { shuffle: shuffleRng.position, augment: augmentRng.position },
        momentum: optimizer.state(model.params.trainable),
        minimizer: {
          id: minimizer.id,
          ...(minimizer.state?.() ?? { tensors: new Map(), numbers: {} })
        }
      })
    }
    await minimizer.finish?.({
      weights: model.params.trainable,
      recomputeBatchNorm: () =>
        recomputeBatchNorm(model, train, {
          batchSize: recipe.batchSize,
          augment,
          rng: rng.fork('bn-recompute'),
          signal: options.signal
        })
    })
  } finally {
    if (resume) disposeTrainingState(resume)
    minimizer.dispose()
    optimizer.dispose()
  }
  return history
}

/** Copies a checkpoint's state into the optimizer and minimizer, after checking it fits this training. */
function restoreState(
  state: TrainingState,
  model: Classifier,
  optimizer: SgdMomentum,
  minimizer: Minimizer,
  name: string,
  epochs: number,
  id: string
): void {
  if (state.epoch > epochs)
    throw new Error(
      `cannot resume ${name}: its checkpoint is at epoch ${state.epoch}, past the recipe's ${epochs} epochs`
    )
  if (state.minimizer.id !== id)
    throw new Error(
      `cannot resume ${name}: its checkpoint was trained with ${state.minimizer.id}, the recipe says ${id}`
    )
  optimizer.restore(model.params.trainable, state.momentum)
  if (minimizer.restore) minimizer.restore(state.minimizer)
  else if (state.minimizer.tensors.size > 0)
    throw new Error(`cannot resume ${name}: the checkpoint holds state that ${id} does not take`)
}
