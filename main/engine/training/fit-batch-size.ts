/**
 * The largest training batch that fits the engine's memory budget, for large architectures.
 *
 * wasm's heap stops at 4 GiB (32-bit addresses), and a ResNet at batch 128 can need more for its
 * saved activations. Memory per training pass grows linearly with the batch: we measure the peak
 * of one forward-backward pass (tf.profile's peakBytes, on zero images, batch-norm statistics left
 * alone) at batch 2 and 4, extrapolate, and take the largest batch up to the recipe's that fits.
 * That batch is then tried for real; if the backend still runs out of memory, we halve it (back
 * off) until a pass succeeds. Small models (under `LARGE_MODEL_PARAMS`) skip all this.
 *
 * The budget is `FLATLINE_MEMORY_BUDGET_MIB` if set, else half the free memory, capped for wasm at
 * 3 GiB of its 4 GiB heap.
 */
import * as tf from '@tensorflow/tfjs-core'
import os from 'node:os'
import type { Classifier } from '../models/classifier'
import { crossEntropy } from './cross-entropy'

/** Models with fewer trainable parameters train at the recipe's batch without a check. */
export const LARGE_MODEL_PARAMS = 1_000_000
export const MEMORY_BUDGET_ENV_VAR = 'FLATLINE_MEMORY_BUDGET_MIB'

export interface BatchFit {
  batchSize: number
  /** Why it differs from the recipe's, for the run's log; absent when the recipe's batch fits. */
  note?: string
}

export function memoryBudgetBytes(): number {
  const raw = process.env[MEMORY_BUDGET_ENV_VAR]
  if (raw !== undefined) {
    const mib = Number(raw)
    if (!Number.isFinite(mib) || mib <= 0)
      throw new Error(`${MEMORY_BUDGET_ENV_VAR}='${raw}' is not a positive number of MiB`)
    return mib * 2 ** 20
  }
  const half = os.freemem() / 2
  return tf.getBackend() === 'wasm' ? Math.min(half, 3 * 2 ** 30) : half
}

/** Peak bytes a forward-backward pass at `batch` adds to what the engine holds; throws if it does not fit. */
export async function measurePass(model: Classifier, batch: number): Promise<number> {
  const before = tf.memory().numBytes
  const info = await tf.profile(() => {
    tf.tidy(() => {
      const [h, w, c] = model.config.inputShape
      const x = tf.zeros([batch, h, w, c]) as tf.Tensor4D
      const y = tf.zeros([batch], 'int32') as tf.Tensor1D
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(model.forward(x, { training: true }), y),
        [...model.params.trainable.values()]
      )
      tf.dispose([value, ...Object.values(grads)])
    })
    return []
  })
  return Math.max(0, info.peakBytes - before)
}

export interface FitOptions {
  budgetBytes?: number
  /** One real pass at a batch (default `measurePass`); throws when it runs out of memory. */
  attempt?: (batch: number) => Promise<unknown>
}

export async function fitBatchSize(
  model: Classifier,
  requested: number,
  options: FitOptions = {}
): Promise<BatchFit> {
  if (model.params.countTrainable() < LARGE_MODEL_PARAMS) return { batchSize: requested }
  const budget = options.budgetBytes ?? memoryBudgetBytes()
  const attempt = options.attempt ?? ((batch: number) => measurePass(model, batch))
  let batch = requested
  const p2 = await measurePass(model, 2)
  const p4 = await measurePass(model, 4)
  const perImage = Math.max(1, (p4 - p2) / 2)
  const fixed = Math.max(0, p2 - 2 * perImage)
  const fits = Math.floor((budget - fixed) / perImage)
  if (fits < requested) batch = Math.max(1, 2 ** Math.floor(Math.log2(Math.max(1, fits))))
  for (;;) {
    try {
      await attempt(batch)
      break
    } catch (error) {
      if (batch === 1)
        throw new Error(
          `even one image per batch does not fit in memory: ${(error as Error).message}`
        )
      batch = Math.max(1, Math.floor(batch / 2))
    }
  }
  if (batch === requested) return { batchSize: batch }
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0)
  return {
    batchSize: batch,
    note:
      `batch ${requested} does not fit the ${mib(budget)} MiB memory budget (about ${mib(fixed)} MiB + ${mib(perImage)} MiB per image); ` +
      `training at batch ${batch} (set ${MEMORY_BUDGET_ENV_VAR} to change the budget)`
  }
}
