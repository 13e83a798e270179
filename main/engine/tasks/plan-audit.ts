/**
 * The task graph of an audit: every kind's tasks, in planning order, which is also a valid serial
 * order (a task's dependencies come before it) — the order a one-worker run follows.
 */
import type { AuditSpec } from '../../contract/audit-spec'
import type { TaskInfo } from '../../contract/job-events'
import type { AuditTask } from './audit-task'
import { TASK_KINDS, taskKind } from './task-kinds'

export function planAudit(spec: AuditSpec): AuditTask[] {
  const tasks: AuditTask[] = []
  for (const kind of TASK_KINDS) tasks.push(...kind.plan(spec, tasks))
  checkGraph(tasks)
  return tasks
}

/** Unique ids, and every dependency planned before its dependent (which also rules out cycles). */
export function checkGraph(tasks: readonly AuditTask[]): void {
  const seen = new Set<string>()
  for (const task of tasks) {
    if (seen.has(task.id)) throw new Error(`Error in planAudit: two tasks have the id "${task.id}"`)
    const missing = task.deps.find((d) => !seen.has(d))
    if (missing)
      throw new Error(
        `Error in planAudit: task "${task.id}" depends on "${missing}", which is not planned before it`
      )
    seen.add(task.id)
  }
}

/** The progress bars of a graph, in its order. */
export function taskInfos(tasks: readonly AuditTask[]): TaskInfo[] {
  return tasks.map((t) => ({ id: t.id, kind: taskKind(t.kind).shownAs, label: t.label }))
}
