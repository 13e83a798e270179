/**
 * LGV weight collection (Gubri et al., "LGV: Boosting Adversarial Example Transferability from
 * Large Geometric Vicinity", ECCV 2022; training spec §7): from a trained surrogate, keep training
 * with a fresh plain SGD at a high constant LR and save `perEpoch` models per epoch. Each part
 * draws a freshly shuffled pass over the data and stops after floor(N/perEpoch) iterations
 * (reference `train_epoch` subset logic). LGV ImageNet defaults: 10 epochs, 4 per epoch (K = 40),
 * LR 0.05, momentum 0.9, weight decay 1e-4, batch 256; LGV continues with SGD even from an l-SAM
 * surrogate. `onMember` receives the live model after each part: write it to disk there.
 */
import * as tf from '@tensorflow/tfjs-core'
import { augmentBatch } from '../data/augment'
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import type { Rng } from '../data/rng'
import { NonFiniteLossError, throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import { Sgd } from '../minimizers/sgd'
import type { Classifier } from '../models/classifier'
import { BatchObjective } from './batch-objective'
import { SgdMomentum } from './sgd-step'

export interface LgvOptions {
  epochs: number
  perEpoch: number
  lr: number
  momentum: number
  weightDecay: number
  batchSize: number
  augment: { cropPadding: number; flip: boolean }
  rng: Rng
  signal?: AbortSignal
  /** Called with the member number (1-based) after each part; awaited. */
  onMember: (index: number, model: Classifier) => Promise<void> | void
}

export const LGV_DEFAULTS = {
  epochs: 10,
  perEpoch: 4,
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  batchSize: 256
} as const

/** Returns the number of members collected (epochs × perEpoch) and the iterations per part. */
export async function collectLgv(
  model: Classifier,
  train: ImageSplit,
  o: LgvOptions
): Promise<{ members: number; iterationsPerPart: number; passes: number }> {
  const stepsPerEpoch = Math.ceil(train.count / o.batchSize)
  const iterationsPerPart = Math.floor(stepsPerEpoch / o.perEpoch)
  if (iterationsPerPart < 1)
    throw new Error(
      `Error in collectLgv: ${stepsPerEpoch} batches per epoch cannot make ${o.perEpoch} models per epoch; lower perEpoch or batchSize`
    )
  const shuffleRng = o.rng.fork('shuffle')
  const augmentRng = o.rng.fork('augment')
  const base = new SgdMomentum(o.momentum, o.weightDecay)
  const sgd = new Sgd(base)
  let members = 0
  let passes = 0
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (let part = 0; part < o.perEpoch; part++) {
        const order = shuffleRng.shuffle(range(train.count))
        for (let step = 0; step < iterationsPerPart; step++) {
          throwIfCancelled(o.signal)
          const indices = order.slice(step * o.batchSize, (step + 1) * o.batchSize)
          const { x, y } = tf.tidy(() => {
            const batch = batchTensors(train, indices)
            return { x: augmentBatch(batch.x, o.augment, augmentRng), y: batch.y }
          })
          const objective = new BatchObjective(
            model,
            x,
            y,
            () => new NonFiniteLossError('lgv', epoch, step + 1, members)
          )
          try {
            await sgd.iterate(objective, {
              epoch,
              index: step,
              epochs: o.epochs,
              lr: o.lr,
              lrRange: { min: o.lr, max: o.lr }
            })
          } finally {
            tf.dispose([x, y])
            passes += objective.passes
          }
          await yieldToEventLoop()
        }
        members++
        await o.onMember(members, model)
      }
    }
  } finally {
    base.dispose()
  }
  return { members, iterationsPerPart, passes }
}
