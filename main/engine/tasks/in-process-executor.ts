/** Runs an audit's tasks one at a time in this process: the serial run, and the reference for every other executor. */
import type { AuditTask, TaskJob } from './audit-task'
import { runTaskHere } from './run-task'
import type { TaskExecutor, TaskReport } from './run-task-graph'

export class InProcessExecutor implements TaskExecutor {
  readonly capacity = 1
  private controller = new AbortController()

  constructor(
    private readonly workspaceRoot: string,
    private readonly name = 'engine'
  ) {}

  run(task: AuditTask, job: TaskJob, report: TaskReport): Promise<unknown> {
    report.worker(this.name, process.pid)
    return runTaskHere(task, job, {
      workspaceRoot: this.workspaceRoot,
      signal: this.controller.signal,
      emit: report.event
    })
  }

  cancel(): void {
    this.controller.abort()
  }
}
