/**
 * Errors that end a job in a way the user should read as is.
 *
 * `JobCancelledError` is how cancellation unwinds the stack (checked once per batch);
 * `NonFiniteLossError` stops training when the loss turns NaN or infinite.
 */
import type { EpochMetrics } from '../../contract/job-events'

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled by the user')
  }
}

export class NonFiniteLossError extends Error {
  constructor(
    readonly model: string,
    readonly epoch: number,
    readonly step: number,
    readonly lastGoodEpoch: number,
    /** The metrics of the epochs that completed before it (so the caller can keep them). */
    readonly history: EpochMetrics[] = []
  ) {
    super(
      `Training of "${model}" stopped: the loss became NaN/infinite at epoch ${epoch}, step ${step}. ` +
        (lastGoodEpoch > 0
          ? `The last good checkpoint (epoch ${lastGoodEpoch}) is kept. `
          : 'No epoch had completed yet. ') +
        'Lower the learning rate or the weight decay and run again.'
    )
  }
}

/** Throws `JobCancelledError` when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new JobCancelledError()
}

/** Lets pending messages (a cancel) reach this process between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
