/**
 * Which runs may resume (issue 3): cancelled, failed and interrupted ones. A completed run has
 * nothing left to do, and a run an engine is still working on must finish or be cancelled first.
 * Free of tensor code, so the service can check a request before it reaches the engine.
 */
import type { RunRecord } from '../../contract/run-record'

/** Thrown when a run cannot be resumed; the message is meant for the user as it is. */
export class ResumeRefusedError extends Error {}

/**
 * Throws `ResumeRefusedError` unless the run can be resumed. `active` says an engine is working on
 * it now; a record still `running` with no engine behind it was interrupted, and may resume.
 */
export function checkResumable(record: RunRecord, active: boolean): void {
  if (record.status === 'completed')
    throw new ResumeRefusedError(
      `Run "${record.id}" is completed: there is nothing to resume. Start a new audit to run it again.`
    )
  if (active)
    throw new ResumeRefusedError(
      `Run "${record.id}" is still running: wait for it to finish, or cancel it before resuming.`
    )
}
