/**
 * The paper's surrogate recipes as named presets, for the UI to list (Gubri et al., arXiv
 * 2304.02688, Table 5 values; training spec §10), each with its cost in forward-backward passes
 * relative to SGD training (paper Table 3; spec §1.5). "l-" marks the paper's large-ρ variants.
 */
import type { MinimizerSpec } from './minimizer-spec'

export interface TrainingPreset {
  id: string
  label: string
  minimizer: MinimizerSpec
  /** Paper Table 3 (CIFAR-10 column) where the paper lists the method, else the spec's formula at E = 150. */
  relativeCost: number
  note: string
  /** Keep the epoch with the best validation transfer (training spec §3): the surrogate's `earlyStopping`. */
  earlyStopping?: boolean
}

const CIFAR_EPOCHS = 150

export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  {
    id: 'sgd',
    label: 'SGD (fully trained)',
    minimizer: { id: 'sgd' },
    relativeCost: 1,
    note: 'the baseline surrogate'
  },
  {
    id: 'sgd-early-stopped',
    label: 'Early-stopped SGD',
    minimizer: { id: 'sgd' },
    // Paper Table 3: e*/E = 54/150 on CIFAR-10; the per-epoch validation attacks are not counted.
    relativeCost: 54 / CIFAR_EPOCHS,
    note: 'best validation-transfer epoch (paper: 54 of 150)',
    earlyStopping: true
  },
  {
    id: 'swa',
    label: 'SWA',
    minimizer: { id: 'swa' },
    relativeCost: 1,
    note: 'average of the last 25 % of epochs, BN recomputed'
  },
  {
    id: 'sam',
    label: 'SAM ρ 0.05',
    minimizer: { id: 'sam', rho: 0.05 },
    relativeCost: 2,
    note: 'Foret et al. default'
  },
  {
    id: 'l-sam',
    label: 'l-SAM ρ 0.3',
    minimizer: { id: 'sam', rho: 0.3 },
    relativeCost: 2,
    note: 'paper §5 text'
  },
  {
    id: 'l-sam-0.4',
    label: 'l-SAM ρ 0.4',
    minimizer: { id: 'sam', rho: 0.4 },
    relativeCost: 2,
    note: 'paper Table 5'
  },
  {
    id: 'asam',
    label: 'ASAM ρ 0.5',
    minimizer: { id: 'asam', rho: 0.5, eta: 0.01, scaled: 'weights' },
    relativeCost: 2,
    note: 'η 0.01, official code'
  },
  {
    id: 'l-asam',
    label: 'l-ASAM ρ 3',
    minimizer: { id: 'asam', rho: 3, eta: 0.01, scaled: 'weights' },
    relativeCost: 2,
    note: ''
  },
  {
    id: 'gsam',
    label: 'GSAM ρ 0.05',
    minimizer: { id: 'gsam', rho: 0.05, alpha: 0.15 },
    relativeCost: 2,
    note: 'α 0.15, constant ρ'
  },
  {
    id: 'l-gsam',
    label: 'l-GSAM ρ 0.2',
    minimizer: { id: 'gsam', rho: 0.2, alpha: 0.15 },
    relativeCost: 2,
    note: ''
  },
  {
    id: 'agsam',
    label: 'AGSAM ρ 0.5',
    minimizer: { id: 'agsam', rho: 0.5, alpha: 0.15, eta: 0, scaled: 'all' },
    relativeCost: 2,
    note: ''
  },
  {
    id: 'l-agsam',
    label: 'l-AGSAM ρ 4',
    minimizer: { id: 'agsam', rho: 4, alpha: 0.15, eta: 0, scaled: 'all' },
    relativeCost: 2,
    note: "the paper's best surrogate"
  },
  {
    id: 'wasam',
    label: 'WASAM ρ 0.05',
    minimizer: { id: 'wasam', rho: 0.05 },
    relativeCost: 2,
    note: 'ρ not listed by the paper'
  },
  {
    id: 'sat',
    label: 'SAT (CIFAR-10)',
    minimizer: { id: 'sat', eps: 0.05, steps: 7 },
    relativeCost: 8,
    note: 'L2 PGD, 7 steps of ε/5; ε 0.05 is provisional (stripped in our copy of the paper)'
  },
  {
    id: 'sat-imagenet',
    label: 'SAT (ImageNet)',
    minimizer: { id: 'sat', eps: 0.1, steps: 3, stepSize: 0.2 / 3 },
    relativeCost: 4,
    note: 'L2 PGD, ε 0.1, 3 steps of 2ε/3'
  },
  {
    id: 'looksam',
    label: 'LookSAM ρ 0.05',
    minimizer: {
      id: 'looksam',
      rho: 0.05,
      k: 5,
      alpha: 0.7,
      warmupEpochs: 3,
      projection: 'global'
    },
    relativeCost: lookSamCost(3, 5, CIFAR_EPOCHS),
    note: 'k 5, 3 SAM warm-up epochs'
  },
  {
    id: 'l-looksam',
    label: 'l-LookSAM ρ 0.3',
    minimizer: { id: 'looksam', rho: 0.3, k: 5, alpha: 0.7, warmupEpochs: 3, projection: 'global' },
    relativeCost: lookSamCost(3, 5, CIFAR_EPOCHS),
    note: 'Table 3: 1.22'
  }
]

/** LookSAM's passes relative to SGD: (2W + (E − W)(1 + 1/k))/E (spec §5.6; 1.216 at W 3, k 5, E 150). */
export function lookSamCost(warmupEpochs: number, k: number, epochs: number): number {
  const w = Math.min(warmupEpochs, epochs)
  return (2 * w + (epochs - w) * (1 + 1 / k)) / epochs
}

/**
 * Expected passes relative to SGD for a minimizer over `epochs` epochs. LookSAM's exact count per
 * epoch is N + ceil(N/k) after warm-up; pass `stepsPerEpoch` to get it, else the 1/k approximation.
 */
export function relativeCost(
  minimizer: MinimizerSpec,
  epochs: number,
  stepsPerEpoch?: number
): number {
  switch (minimizer.id) {
    case 'sgd':
    case 'swa':
      return 1
    case 'sam':
    case 'asam':
    case 'gsam':
    case 'agsam':
    case 'wasam':
    case 'awp':
      return 2
    case 'sat':
      return minimizer.steps + 1
    case 'looksam': {
      if (stepsPerEpoch === undefined)
        return lookSamCost(minimizer.warmupEpochs, minimizer.k, epochs)
      const n = stepsPerEpoch
      const w = Math.min(minimizer.warmupEpochs, epochs)
      return (2 * n * w + (epochs - w) * (n + Math.ceil(n / minimizer.k))) / (n * epochs)
    }
  }
}

/** A short human label for a minimizer and its main hyper-parameters, e.g. "SAM ρ 0.3". */
export function describeMinimizer(m: MinimizerSpec): string {
  switch (m.id) {
    case 'sgd':
      return 'SGD'
    case 'swa':
      return 'SWA'
    case 'sam':
      return `SAM ρ ${m.rho}`
    case 'wasam':
      return `WASAM ρ ${m.rho}`
    case 'asam':
      return `ASAM ρ ${m.rho}, η ${m.eta}`
    case 'gsam':
      return `GSAM ρ ${m.rho}, α ${m.alpha}`
    case 'agsam':
      return `AGSAM ρ ${m.rho}, α ${m.alpha}`
    case 'looksam':
      return `LookSAM ρ ${m.rho}, k ${m.k}`
    case 'sat':
      return `SAT ε ${m.eps}, ${m.steps} steps`
    case 'awp':
      return `AWP γ ${m.gamma}`
  }
}
