/**
 * Learning rate of an epoch (1-based), constant inside the epoch (training spec §1.4).
 *
 * Step: η(e) = η0 · γ^floor((e−1)/S); the paper's CIFAR-10 recipe is η0 = 0.1, γ = 0.1, S = 50.
 * Single decay at D: η0 up to epoch D, η0·γ after (paper §4). Multi-step at D1 < D2 < …: η0·γ^(number
 * of Di before e). Constant: η0.
 * Cosine: ηmin + (η0 − ηmin)·(1 + cos(π·(e−1)/(E−1)))/2, so epoch 1 runs at η0 and epoch E at ηmin.
 */
import type { LrSchedule } from '../../contract/audit-spec'

export function learningRate(
  initialLr: number,
  schedule: LrSchedule,
  epoch: number,
  totalEpochs?: number
): number {
  switch (schedule.kind) {
    case 'step':
      return initialLr * schedule.gamma ** Math.floor((epoch - 1) / schedule.every)
    case 'single-decay':
      return epoch <= schedule.at ? initialLr : initialLr * schedule.gamma
    case 'multi-step':
      return initialLr * schedule.gamma ** schedule.at.filter((d) => epoch > d).length
    case 'constant':
      return initialLr
    case 'cosine': {
      if (totalEpochs === undefined)
        throw new Error('Error in learningRate: a cosine schedule needs the total number of epochs')
      const progress = totalEpochs > 1 ? (epoch - 1) / (totalEpochs - 1) : 0
      return (
        schedule.minLr + ((initialLr - schedule.minLr) * (1 + Math.cos(Math.PI * progress))) / 2
      )
    }
  }
}
