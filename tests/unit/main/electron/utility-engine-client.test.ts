import { EventEmitter } from 'node:events'
import { beforeEach, describe, expect, it, vi } from 'vitest'

/** A fake utility process: an EventEmitter that records what main posts and can "exit". */
class FakeEngineProcess extends EventEmitter {
  posted: unknown[] = []
  killed = false
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  kill(): boolean {
    this.killed = true
    this.emit('exit', 0)
    return true
  }
  /** What the engine would send over its parentPort. */
  reply(message: unknown): void {
    this.emit('message', message)
  }
}

const electron = vi.hoisted(() => ({
  forks: [] as Array<{ path: string; options: Record<string, unknown> }>
}))
const children: FakeEngineProcess[] = []
vi.mock('electron', () => ({
  utilityProcess: {
    fork: (path: string, _args: string[], options: Record<string, unknown>) => {
      electron.forks.push({ path, options })
      const child = new FakeEngineProcess()
      children.push(child)
      return child
    }
  }
}))
// The real import is electron-vite's `?modulePath` (a path string in the bundle); under Vitest it
// would load the engine itself, which these tests must not do.
vi.mock('../../../../main/engine-host/engine-process?modulePath', () => ({
  default: '/app/out/main/engine-process.js'
}))

import type { JobEvent } from '../../../../main/contract/job-events'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import {
  UtilityEngineClient,
  engineStoppedMessage
} from '../../../../main/electron/utility-engine-client'

const spec = AuditSpec.parse({
  surrogates: [{ name: 's', arch: 'small-cnn' }],
  targets: [{ name: 't', arch: 'small-cnn' }]
})
const startMessage = (jobId: string, runId: string) => ({
  type: 'start' as const,
  jobId,
  runId,
  spec,
  workspace: '/ws',
  appVersion: '0.0.0-test'
})

function setUp() {
  const client = new UtilityEngineClient({ env: { FLATLINE_RESOURCES: '/res', UNSET: undefined } })
  const events: JobEvent[] = []
  client.onEvent((event) => events.push(event))
  return { client, events }
}

describe('UtilityEngineClient', () => {
  beforeEach(() => {
    children.length = 0
    electron.forks.length = 0
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })

  it('forks the bundled engine entry lazily, as the flatline-engine service, with the given env', async () => {
    const { client } = setUp()
    expect(children).toHaveLength(0)
    const ready = client.ready()
    expect(electron.forks).toHaveLength(1)
    expect(electron.forks[0].path).toBe('/app/out/main/engine-process.js')
    expect(electron.forks[0].options).toMatchObject({
      serviceName: 'flatline-engine',
      env: { FLATLINE_RESOURCES: '/res' }
    })
    expect(electron.forks[0].options.env).not.toHaveProperty('UNSET')
    children[0].reply({ type: 'ready', backend: 'wasm (simd)' })
    await expect(ready).resolves.toBe('wasm (simd)')
    await expect(client.ready()).resolves.toBe('wasm (simd)')
    expect(children).toHaveLength(1)
  })

  it('holds messages until the engine is ready, then sends them in order', () => {
    const { client } = setUp()
    client.start(startMessage('job-a', 'run-a'))
    client.cancel('job-a')
    expect(children[0].posted).toEqual([])
    children[0].reply({ type: 'ready', backend: 'cpu' })
    expect(children[0].posted).toEqual([
      startMessage('job-a', 'run-a'),
      { type: 'cancel', jobId: 'job-a' }
    ])
  })

  it('tracks active jobs from start to their terminal event and forwards events', () => {
    const { client, events } = setUp()
    client.start(startMessage('job-a', 'run-a'))
    children[0].reply({ type: 'ready', backend: 'cpu' })
    expect(client.activeJobIds()).toEqual(['job-a'])
    children[0].reply({
      type: 'event',
      event: { jobId: 'job-a', kind: 'started', runId: 'run-a', tasks: [], backend: 'cpu' }
    })
    children[0].reply({
      type: 'event',
      event: { jobId: 'job-a', kind: 'completed', runId: 'run-a' }
    })
    expect(events.map((e) => e.kind)).toEqual(['started', 'completed'])
    expect(client.activeJobIds()).toEqual([])
    // A finished job cannot be cancelled any more: nothing is posted.
    client.cancel('job-a')
    expect(children[0].posted).toHaveLength(1)
  })

  it('drops malformed engine events instead of passing them on', () => {
    const { client, events } = setUp()
    client.start(startMessage('job-a', 'run-a'))
    children[0].reply({ type: 'ready', backend: 'cpu' })
    children[0].reply({ type: 'event', event: { jobId: 'job-a', kind: 'exploded' } })
    expect(events).toEqual([])
    expect(client.activeJobIds()).toEqual(['job-a'])
  })

  it('turns an unexpected exit into one failed event per active job, then restarts on the next start', async () => {
    const { client, events } = setUp()
    client.start(startMessage('job-a', 'run-a'))
    children[0].reply({ type: 'ready', backend: 'cpu' })
    children[0].emit('exit', 134)
    expect(events).toEqual([
      { kind: 'failed', jobId: 'job-a', runId: 'run-a', message: engineStoppedMessage(134) }
    ])
    expect(events[0].kind === 'failed' && events[0].message).toMatch(
      /^the engine process stopped \(exit code 134\)/
    )
    expect(client.activeJobIds()).toEqual([])
    expect(children).toHaveLength(1)

    client.start(startMessage('job-b', 'run-b'))
    expect(children).toHaveLength(2)
    children[1].reply({ type: 'ready', backend: 'cpu' })
    expect(children[1].posted).toEqual([startMessage('job-b', 'run-b')])
    await expect(client.ready()).resolves.toBe('cpu')
    // The dead process reporting late changes nothing.
    children[0].emit('exit', 1)
    expect(events).toHaveLength(1)
  })

  it('fails jobs still waiting for a process that died before it was ready', async () => {
    const { client, events } = setUp()
    const ready = client.ready()
    client.start(startMessage('job-a', 'run-a'))
    children[0].emit('exit', 1)
    await expect(ready).rejects.toThrow(/exit code 1/)
    expect(events.map((e) => [e.kind, e.jobId])).toEqual([['failed', 'job-a']])
  })

  it('ends quietly on dispose: kills the process and emits nothing', () => {
    const { client, events } = setUp()
    client.start(startMessage('job-a', 'run-a'))
    children[0].reply({ type: 'ready', backend: 'cpu' })
    client.dispose()
    expect(children[0].killed).toBe(true)
    expect(events).toEqual([])
    expect(() => client.start(startMessage('job-b', 'run-b'))).toThrow(/disposed/)
  })

  it('holds a query until the engine is ready, settles it by id, and rejects it if the engine dies', async () => {
    const { client } = setUp()
    const query = {
      kind: 'measure-throughput',
      arch: 'small-cnn',
      width: 4,
      inputShape: [16, 16, 1],
      numClasses: 3,
      batchSize: 8
    } as const
    const answered = client.query({ ...query, inputShape: [16, 16, 1] })
    expect(children[0].posted).toEqual([])
    children[0].reply({ type: 'ready', backend: 'wasm' })
    const sent = children[0].posted[0] as { type: string; queryId: string }
    expect(sent).toMatchObject({ type: 'query', query: { kind: 'measure-throughput', width: 4 } })
    children[0].reply({
      type: 'answer',
      queryId: sent.queryId,
      result: { trainImagesPerSecond: 9, gradientsPerSecond: 30, seconds: 1 }
    })
    await expect(answered).resolves.toEqual({
      trainImagesPerSecond: 9,
      gradientsPerSecond: 30,
      seconds: 1
    })
    const failing = client.query({ ...query, inputShape: [16, 16, 1] })
    const second = children[0].posted[1] as { queryId: string }
    children[0].reply({ type: 'answer', queryId: second.queryId, error: 'width too small' })
    await expect(failing).rejects.toThrow('width too small')
    const orphan = client.query({ ...query, inputShape: [16, 16, 1] })
    children[0].emit('exit', 9)
    await expect(orphan).rejects.toThrow(/exit code 9/)
  })
})
