/**
 * Entry of the engine process: an Electron utility process (messages on `process.parentPort`) or
 * a Node child process (messages on `process.send`). It initialises the tensor backend, then runs
 * one audit at a time; a `cancel` aborts the running audit within one batch.
 *
 * Started with `--task-worker`, the same file is a pool worker instead (pool/task-worker-main.ts):
 * the audit's engine forks it once per worker, so a bundled app needs no second entry.
 */
import { fileURLToPath } from 'node:url'
import { initBackend, backendDescription } from '../engine/backend/select-backend'
import { lowerEnginePriority } from './engine-priority'
import type { JobEvent } from '../contract/job-events'
import { resumeAudit } from '../engine/jobs/resume-run'
import { runAudit } from '../engine/jobs/run-audit'
import { runTaskWorker } from '../engine/pool/task-worker-main'
import { TASK_WORKER_FLAG } from '../engine/pool/worker-messages'
import { setTaskWorkerEntry } from '../engine/pool/worker-pool'
import { runStudy } from '../engine/studies/run-study'
import { StudyStore } from '../engine/workspace/study-store'
import { answerQuery } from './answer-query'
import type { FromEngine, ToEngine } from './engine-protocol'

interface ParentPort {
  on(event: 'message', listener: (message: { data: ToEngine }) => void): void
  postMessage(message: FromEngine): void
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

function post(message: FromEngine): void {
  if (parentPort) parentPort.postMessage(message)
  else process.send?.(message)
}

let running: { jobId: string; controller: AbortController } | undefined

async function handle(message: ToEngine): Promise<void> {
  if (message.type === 'cancel') {
    if (running?.jobId === message.jobId) running.controller.abort()
    return
  }
  if (message.type === 'query') {
    // Answered concurrently with a running audit: it yields to the event loop between batches.
    try {
      post({ type: 'answer', queryId: message.queryId, result: await answerQuery(message.query) })
    } catch (error) {
      post({
        type: 'answer',
        queryId: message.queryId,
        error: error instanceof Error ? error.message : String(error)
      })
    }
    return
  }
  const emit = (event: JobEvent): void => post({ type: 'event', event })
  if (running) {
    emit({
      jobId: message.jobId,
      kind: 'failed',
      message: 'Another audit is running in the engine. Wait for it or cancel it.'
    })
    return
  }
  running = { jobId: message.jobId, controller: new AbortController() }
  try {
    const ctx = {
      jobId: message.jobId,
      runId: message.runId,
      workspaceRoot: message.workspace,
      backend: backendDescription(),
      appVersion: message.appVersion,
      emit,
      signal: running.controller.signal,
      execution: message.execution
    }
    if (message.type === 'start-study') {
      const resume = message.resume
        ? await new StudyStore(message.workspace).get(message.runId).catch((error: Error) => {
            emit({
              jobId: message.jobId,
              kind: 'failed',
              runId: message.runId,
              message: `cannot resume study "${message.runId}": ${error.message}`
            })
            throw error
          })
        : undefined
      await runStudy(message.spec, { ...ctx, studyId: message.runId, resume })
    } else await (message.resume ? resumeAudit(ctx) : runAudit(message.spec, ctx))
  } catch {
    // runAudit and runStudy have already reported the failure or cancellation as the job's terminal event.
  } finally {
    running = undefined
  }
}

async function main(): Promise<void> {
  const queue: ToEngine[] = []
  let ready = false
  const receive = (message: ToEngine): number | undefined =>
    ready ? void handle(message) : queue.push(message)
  if (parentPort) parentPort.on('message', (e) => receive(e.data))
  else process.on('message', (m) => receive(m as ToEngine))
  lowerEnginePriority()
  await initBackend()
  ready = true
  post({ type: 'ready', backend: backendDescription() })
  for (const message of queue.splice(0)) void handle(message)
}

if (process.argv.includes(TASK_WORKER_FLAG)) void runTaskWorker()
else {
  setTaskWorkerEntry(fileURLToPath(import.meta.url))
  void main()
}
