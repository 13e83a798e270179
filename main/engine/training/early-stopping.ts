/**
 * Early-stopping epoch selection without leakage (Gubri et al., Appendix A; training spec §3):
 * pick the checkpoint whose adversarial examples transfer best on average over *validation*
 * targets, crafted from *validation* originals — both disjoint from the reported test sets. The
 * paper's picks: epoch 54 of 150 (CIFAR-10, cost 0.36) and 66 of 90 (ImageNet).
 *
 * The selector only accepts a matrix tagged `role: 'validation'`, so code holding test targets or
 * test examples cannot hand them in by mistake: the types keep the two apart.
 */

/** A set usable for selection: validation targets or validation originals, never test ones. */
export interface ValidationSet<T> {
  readonly role: 'validation'
  readonly items: readonly T[]
}

/** Success rate of each epoch's examples (rows, in `epochs` order) on each validation target (columns). */
export interface ValidationSuccess {
  readonly role: 'validation'
  readonly epochs: readonly number[]
  readonly targets: ValidationSet<string>
  readonly success: readonly (readonly number[])[]
}

export interface EarlyStopChoice {
  epoch: number
  /** Mean success over validation targets at that epoch. */
  meanSuccess: number
  /** Training cost relative to the full run: e* / E (paper Table 3). */
  relativeCost: number
}

const TIE_TOLERANCE = 1e-12

/** argmax over epochs of the mean success over targets; ties go to the earliest epoch. */
export function selectEarlyStopEpoch(
  matrix: ValidationSuccess,
  totalEpochs: number
): EarlyStopChoice {
  const { epochs, success, targets } = matrix
  if (epochs.length === 0)
    throw new Error('Error in selectEarlyStopEpoch: no checkpoint to choose from')
  if (targets.items.length === 0)
    throw new Error('Error in selectEarlyStopEpoch: no validation target')
  if (
    success.length !== epochs.length ||
    success.some((row) => row.length !== targets.items.length)
  )
    throw new Error(
      `Error in selectEarlyStopEpoch: expected ${epochs.length} rows of ${targets.items.length} success rates`
    )
  let best = { epoch: epochs[0], meanSuccess: -Infinity }
  const order = epochs.map((epoch, row) => ({ epoch, row })).sort((a, b) => a.epoch - b.epoch)
  for (const { epoch, row } of order) {
    const mean = success[row].reduce((a, b) => a + b, 0) / success[row].length
    // Means equal up to float summation order are ties, and ties keep the earlier epoch.
    if (mean > best.meanSuccess + TIE_TOLERANCE) best = { epoch, meanSuccess: mean }
  }
  return { ...best, relativeCost: best.epoch / totalEpochs }
}
