/**
 * The engine running in an Electron utility process, seen from main as an `EngineClient`.
 *
 * Training and attacks block a thread for minutes; in a utility process they cannot freeze the
 * window or main's IPC. The process starts on first use and again after a crash. Messages for it
 * wait until it reports `ready` (its tensor backend is initialised), so none is lost to a port
 * that is not listening yet. If it dies while audits run, each of them ends with a `failed` event
 * instead of spinning forever.
 */
import { utilityProcess, type ForkOptions, type UtilityProcess } from 'electron'
import enginePath from '../engine-host/engine-process?modulePath'
import { JobEvent, isTerminal } from '../contract/job-events'
import type {
  EngineClient,
  FromEngine,
  ToEngine,
  StartMessage
} from '../engine-host/engine-protocol'
import type {
  EngineQueryKind,
  EngineQueryOf,
  EngineQueryResult
} from '../engine-host/engine-queries'
import { PendingQueries } from '../engine-host/pending-queries'

/** The parts of a UtilityProcess the client uses; tests fake them with an EventEmitter. */
export type EngineProcess = Pick<UtilityProcess, 'postMessage' | 'on' | 'kill'>

export type ForkEngine = (modulePath: string, args: string[], options: ForkOptions) => EngineProcess

export interface UtilityEngineOptions {
  /** Environment of the engine process (defaults to main's own). */
  env?: Record<string, string | undefined>
  /** The built engine entry; defaults to the bundle electron-vite emits for `?modulePath`. */
  modulePath?: string
  /** `utilityProcess.fork` unless a test passes a fake. */
  fork?: ForkEngine
}

interface Deferred {
  promise: Promise<string>
  resolve(backend: string): void
  reject(error: Error): void
}

function deferred(): Deferred {
  let resolve!: (backend: string) => void
  let reject!: (error: Error) => void
  const promise = new Promise<string>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A crash before anyone awaited ready() must not surface as an unhandled rejection.
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

/** The message each running job ends with when the engine process dies under it. */
export function engineStoppedMessage(code: number): string {
  return (
    `the engine process stopped (exit code ${code}) before the audit finished. ` +
    'It may have run out of memory: try fewer examples, a smaller batch or smaller models, then ' +
    'start the audit again (the engine restarts by itself).'
  )
}

function stringEnv(env: Record<string, string | undefined>): Record<string, string> {
  const clean: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) clean[key] = value
  return clean
}

export class UtilityEngineClient implements EngineClient {
  private child: EngineProcess | null = null
  private backend: string | null = null
  private readyState: Deferred | null = null
  /** Messages waiting for the current process's `ready`. */
  private outbox: ToEngine[] = []
  /** jobId → runId of jobs started and not yet terminal. */
  private readonly active = new Map<string, string | undefined>()
  private readonly listeners = new Set<(event: JobEvent) => void>()
  private readonly queries = new PendingQueries()
  private disposed = false

  constructor(private readonly options: UtilityEngineOptions = {}) {}

  ready(): Promise<string> {
    try {
      return this.ensureProcess().promise
    } catch (error) {
      return Promise.reject(error)
    }
  }

  start(message: StartMessage): void {
    this.ensureProcess()
    this.active.set(message.jobId, message.runId)
    this.send(message)
  }

  cancel(jobId: string): void {
    // A job that is not active has already ended (or died with the process): nothing to stop.
    if (!this.active.has(jobId) || !this.child) return
    this.send({ type: 'cancel', jobId })
  }

  query<K extends EngineQueryKind>(query: EngineQueryOf<K>): Promise<EngineQueryResult<K>> {
    try {
      this.ensureProcess()
    } catch (error) {
      return Promise.reject(error)
    }
    const { queryId, answer } = this.queries.open()
    this.send({ type: 'query', queryId, query })
    return answer as Promise<EngineQueryResult<K>>
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  activeJobIds(): string[] {
    return [...this.active.keys()]
  }

  dispose(): void {
    this.disposed = true
    this.listeners.clear()
    this.readyState?.reject(new Error('the engine client was disposed (the app is quitting)'))
    this.readyState = null
    this.queries.rejectAll('the engine client was disposed (the app is quitting)')
    const child = this.child
    this.child = null
    this.outbox = []
    child?.kill()
  }

  /** Starts the engine process if none runs; returns the ready state of the current one. */
  private ensureProcess(): Deferred {
    if (this.disposed) throw new Error('the engine client was disposed (the app is quitting)')
    if (this.child && this.readyState) return this.readyState
    const fork: ForkEngine =
      this.options.fork ?? ((path, args, options) => utilityProcess.fork(path, args, options))
    const state = deferred()
    this.readyState = state
    this.backend = null
    this.outbox = []
    const child = fork(this.options.modulePath ?? enginePath, [], {
      serviceName: 'flatline-engine',
      env: stringEnv(this.options.env ?? process.env),
      stdio: 'inherit'
    })
    this.child = child
    child.on('message', (message: unknown) => {
      if (this.child === child) this.receive(message as FromEngine)
    })
    child.on('exit', (code: number) => {
      // A process replaced after a crash may still report; only the current one counts.
      if (this.child === child) this.onExit(code)
    })
    return state
  }

  private send(message: ToEngine): void {
    if (this.child && this.backend !== null) this.child.postMessage(message)
    else this.outbox.push(message)
  }

  private receive(message: FromEngine): void {
    if (message?.type === 'ready' && typeof message.backend === 'string') {
      this.backend = message.backend
      this.readyState?.resolve(message.backend)
      const queued = this.outbox
      this.outbox = []
      for (const pending of queued) this.child?.postMessage(pending)
      return
    }
    if (message?.type === 'answer' && typeof message.queryId === 'string') {
      this.queries.settle(message)
      return
    }
    if (message?.type === 'event') {
      const parsed = JobEvent.safeParse(message.event)
      if (!parsed.success) {
        console.error('[flatline] dropped a malformed engine event:', JSON.stringify(message.event))
        return
      }
      this.dispatch(parsed.data)
      return
    }
    console.error('[flatline] unknown message from the engine process:', JSON.stringify(message))
  }

  private dispatch(event: JobEvent): void {
    if (isTerminal(event)) this.active.delete(event.jobId)
    else if (event.kind === 'started') this.active.set(event.jobId, event.runId)
    for (const listener of [...this.listeners]) listener(event)
  }

  private onExit(code: number): void {
    this.child = null
    this.backend = null
    this.outbox = []
    const state = this.readyState
    this.readyState = null
    state?.reject(new Error(`the engine process stopped (exit code ${code}) before it was ready`))
    this.queries.rejectAll(`the engine process stopped (exit code ${code}) before it answered`)
    if (this.disposed) return
    const orphans = [...this.active.entries()]
    if (orphans.length > 0)
      console.error(
        `[flatline] engine process exited with code ${code} during ${orphans.length} job(s)`
      )
    for (const [jobId, runId] of orphans) {
      this.dispatch({
        kind: 'failed',
        jobId,
        ...(runId ? { runId } : {}),
        message: engineStoppedMessage(code)
      })
    }
  }
}
