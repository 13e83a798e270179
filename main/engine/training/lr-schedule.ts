/**
 * Learning rate of an epoch (1-based), constant inside the epoch.
 *
 * Step schedule (training spec §1.4): η(e) = η0 · γ^floor((e−1)/S); the paper's CIFAR-10 recipe is
 * η0 = 0.1, γ = 0.1, S = 50.
 */
import type { LrSchedule } from '../../contract/audit-spec'

export function learningRate(initialLr: number, schedule: LrSchedule, epoch: number): number {
  switch (schedule.kind) {
    case 'step':
      return initialLr * schedule.gamma ** Math.floor((epoch - 1) / schedule.every)
  }
}
