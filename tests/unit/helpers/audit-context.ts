/**
 * A fresh temporary workspace and the context an audit runs in there, keeping every event it
 * emits in order: the set-up of the tests that call `runAudit` in this process.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuditSpec } from '../../../main/contract/audit-spec'
import type { JobEvent } from '../../../main/contract/job-events'
import type { AuditContext } from '../../../main/engine/jobs/run-audit'
import { RunStore } from '../../../main/engine/workspace/run-store'

export async function auditContext(spec: AuditSpec) {
  const root = await mkdtemp(join(tmpdir(), 'flatline-audit-'))
  const store = new RunStore(root)
  const runId = store.newRunId(spec.name)
  const events: JobEvent[] = []
  const ctx: AuditContext = {
    jobId: 'j',
    runId,
    workspaceRoot: root,
    backend: 'test',
    appVersion: '0',
    emit: (e) => events.push(e)
  }
  return { ctx, events, root, store, runId, runDir: store.runDir(runId) }
}
