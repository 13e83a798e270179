/**
 * Queries sent to the engine process and not yet answered, shared by both engine clients: each
 * answer settles its own promise, and a dying engine process rejects all of them at once so no
 * caller waits forever.
 */
import type { FromEngine } from './engine-protocol'

type Answer = Extract<FromEngine, { type: 'answer' }>

export class PendingQueries {
  private next = 0
  private readonly waiting = new Map<
    string,
    { resolve(result: unknown): void; reject(error: Error): void }
  >()

  /** A fresh query id and the promise its answer settles. */
  open(): { queryId: string; answer: Promise<unknown> } {
    const queryId = `q${++this.next}`
    const answer = new Promise<unknown>((resolve, reject) =>
      this.waiting.set(queryId, { resolve, reject })
    )
    return { queryId, answer }
  }

  settle(message: Answer): void {
    const pending = this.waiting.get(message.queryId)
    if (!pending) return
    this.waiting.delete(message.queryId)
    if (message.error !== undefined) pending.reject(new Error(message.error))
    else pending.resolve(message.result)
  }

  rejectAll(reason: string): void {
    for (const pending of this.waiting.values()) pending.reject(new Error(reason))
    this.waiting.clear()
  }
}
