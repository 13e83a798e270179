/**
 * Runs the engine in a Node child process (browser mode, tests): the same messages as the
 * Electron utility process, so the server's event loop never blocks on tensor work.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { JobEvent } from '../contract/job-events'
import type { EngineClient, FromEngine, StartMessage, ToEngine } from './engine-protocol'
import type { EngineQueryKind, EngineQueryOf, EngineQueryResult } from './engine-queries'
import { PendingQueries } from './pending-queries'

const ENTRY = fileURLToPath(new URL('./engine-process.ts', import.meta.url))

export class NodeEngineClient implements EngineClient {
  private child?: ChildProcess
  private readyPromise?: Promise<string>
  private readonly listeners = new Set<(event: JobEvent) => void>()
  private readonly active = new Set<string>()
  private readonly queries = new PendingQueries()

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  ready(): Promise<string> {
    this.spawn()
    return this.readyPromise!
  }

  start(message: StartMessage): void {
    this.spawn()
    this.active.add(message.jobId)
    this.child!.send(message)
  }

  cancel(jobId: string): void {
    this.child?.send({ type: 'cancel', jobId } satisfies ToEngine)
  }

  query<K extends EngineQueryKind>(query: EngineQueryOf<K>): Promise<EngineQueryResult<K>> {
    this.spawn()
    const { queryId, answer } = this.queries.open()
    this.child!.send({ type: 'query', queryId, query } satisfies ToEngine)
    return answer as Promise<EngineQueryResult<K>>
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  activeJobIds(): string[] {
    return [...this.active]
  }

  /** Stops the engine process; a job still running ends as failed and its run as interrupted. */
  dispose(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child?.kill(signal)
    this.child = undefined
  }

  private spawn(): void {
    if (this.child) return
    const child = fork(ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      env: this.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.child = child
    this.readyPromise = new Promise((resolve, reject) => {
      child.on('message', (message: FromEngine) => {
        if (message.type === 'ready') resolve(message.backend)
        else if (message.type === 'answer') this.queries.settle(message)
        else this.dispatch(message.event)
      })
      child.once('exit', (code, signal) => {
        reject(
          new Error(`the engine process stopped before it was ready (exit code ${code ?? signal})`)
        )
        this.child = undefined
        this.queries.rejectAll(
          `the engine process stopped (exit code ${code ?? signal}) before it answered`
        )
        for (const jobId of this.active)
          this.dispatch({
            jobId,
            kind: 'failed',
            message: `The engine process stopped (exit code ${code ?? signal}); the run is incomplete.`
          })
      })
    })
    this.readyPromise.catch(() => undefined)
  }

  private dispatch(event: JobEvent): void {
    if (event.kind === 'completed' || event.kind === 'failed' || event.kind === 'cancelled')
      this.active.delete(event.jobId)
    for (const listener of this.listeners) listener(event)
  }
}
