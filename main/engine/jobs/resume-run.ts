/**
 * Resuming a run that did not finish (issue 3): a cancelled, failed or interrupted run continues
 * under the same id with the spec it stored; models already trained are reused, partly trained
 * ones continue from their last checkpoint (see resume-point.ts), then evaluation and attacks run
 * again. A completed run, or one an engine is still working on, is refused with a message.
 */
import type { RunRecord } from '../../contract/run-record'
import { RunStore } from '../workspace/run-store'
import { checkResumable } from './check-resumable'
import { runAudit, type AuditContext } from './run-audit'

export { ResumeRefusedError } from './check-resumable'

/**
 * Reads the run, checks it may resume and runs it again from where it stopped. Like `runAudit`, a
 * refusal is reported as the job's `failed` event (and thrown), and the run's files are left as they were.
 */
export async function resumeAudit(ctx: AuditContext): Promise<RunRecord> {
  let previous: RunRecord
  try {
    previous = await new RunStore(ctx.workspaceRoot).get(ctx.runId)
    checkResumable(previous, false)
  } catch (error) {
    ctx.emit({
      jobId: ctx.jobId,
      kind: 'failed',
      runId: ctx.runId,
      message: error instanceof Error ? error.message : String(error)
    })
    throw error
  }
  return runAudit(previous.spec, { ...ctx, resume: previous })
}
