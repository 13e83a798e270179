/**
 * An EngineClient that records what it is asked and replays events given by the test. For tests
 * of request routing and validation only; end-to-end tests run the real engine.
 */
import type { JobEvent } from '../../../main/contract/job-events'
import type { EngineClient, StartMessage } from '../../../main/engine-host/engine-protocol'
import type {
  EngineQuery,
  EngineQueryKind,
  EngineQueryOf,
  EngineQueryResult
} from '../../../main/engine-host/engine-queries'

export class RecordingEngine implements EngineClient {
  readonly started: StartMessage[] = []
  readonly cancelled: string[] = []
  readonly queries: EngineQuery[] = []
  /** How the test answers queries; by default every query fails. */
  answer: (query: EngineQuery) => Promise<unknown> = (query) =>
    Promise.reject(new Error(`no answer for ${query.kind}`))
  private readonly listeners = new Set<(event: JobEvent) => void>()

  ready(): Promise<string> {
    return Promise.resolve('recording')
  }
  start(message: StartMessage): void {
    this.started.push(message)
  }
  cancel(jobId: string): void {
    this.cancelled.push(jobId)
  }
  query<K extends EngineQueryKind>(query: EngineQueryOf<K>): Promise<EngineQueryResult<K>> {
    this.queries.push(query)
    return this.answer(query) as Promise<EngineQueryResult<K>>
  }
  onEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  emit(event: JobEvent): void {
    for (const l of this.listeners) l(event)
  }
  activeJobIds(): string[] {
    return []
  }
  dispose(): void {}
}
