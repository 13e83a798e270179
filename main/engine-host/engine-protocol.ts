/**
 * Messages between the supervisor (Electron main, the browser server, the CLI) and the engine
 * process. The same shapes travel over Electron's utilityProcess port and Node's child_process IPC.
 */
import type { AuditSpec } from '../contract/audit-spec'
import type { JobEvent } from '../contract/job-events'
import type { ExecutionSettings } from '../contract/execution'
import type { StudySpec } from '../contract/study-spec'
import type {
  EngineQuery,
  EngineQueryKind,
  EngineQueryOf,
  EngineQueryResult
} from './engine-queries'

export type ToEngine =
  /** `resume`: continue the stored run `runId` from its last saved epoch (its stored spec is `spec`). */
  | {
      type: 'start'
      jobId: string
      runId: string
      spec: AuditSpec
      workspace: string
      appVersion: string
      resume?: boolean
      execution?: ExecutionSettings
    }
  /** A study (issue 14): `runId` is the study's id; `resume` continues its stored record; `execution` applies to every audit of it. */
  | {
      type: 'start-study'
      jobId: string
      runId: string
      spec: StudySpec
      workspace: string
      appVersion: string
      resume?: boolean
      execution?: ExecutionSettings
    }
  | { type: 'cancel'; jobId: string }
  | { type: 'query'; queryId: string; query: EngineQuery }

/** What starts a job: an audit or a study. */
export type StartMessage = Extract<ToEngine, { type: 'start' | 'start-study' }>

export type FromEngine =
  | { type: 'ready'; backend: string }
  | { type: 'event'; event: JobEvent }
  /** The answer to one query: its result, or the error's message when it failed. */
  | { type: 'answer'; queryId: string; result?: unknown; error?: string }

/** What the service needs from whichever process runs the engine. */
export interface EngineClient {
  /** Resolves with the tensor backend name once the engine process has initialised it. */
  ready(): Promise<string>
  start(message: StartMessage): void
  cancel(jobId: string): void
  onEvent(listener: (event: JobEvent) => void): () => void
  /** Asks the engine one question (engine-queries.ts); rejects with the engine's message if it fails. */
  query<K extends EngineQueryKind>(query: EngineQueryOf<K>): Promise<EngineQueryResult<K>>
  /** Jobs started and not yet terminal. */
  activeJobIds(): string[]
  dispose(): void
}
