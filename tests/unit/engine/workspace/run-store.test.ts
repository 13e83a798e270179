import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import type { RunRecord } from '../../../../main/contract/run-record'
import { InvalidJsonError } from '../../../../main/engine/workspace/atomic-write'
import {
  INTERRUPTED_MESSAGE,
  InvalidRunRecordError,
  newRunId,
  RUN_ID_PATTERN,
  RunNotFoundError,
  RunStore
} from '../../../../main/engine/workspace/run-store'

const spec = AuditSpec.parse({
  name: 'demo audit',
  surrogates: [{ name: 'surrogate-cnn', arch: 'small-cnn' }],
  targets: [{ name: 'target-resnet', arch: 'small-resnet' }]
})

function makeRecord(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    name: `run ${id}`,
    status: 'completed',
    createdAt: '2026-11-21T22:30:00.000Z',
    finishedAt: '2026-11-21T22:40:00.000Z',
    spec,
    seed: 7,
    backend: 'cpu',
    versions: { flatline: '0.1.0' },
    dataset: { name: 'fashion-mnist', train: 100, test: 50, shape: [28, 28, 1] },
    timings: { train: 1.5 },
    ...overrides
  }
}

let root: string
let store: RunStore

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'flatline-runs-'))
  store = new RunStore(root)
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('newRunId', () => {
  it('is time-stamped, slugged, safe and within 80 characters', () => {
    const id = newRunId('Demo Audit', new Date('2026-11-21T22:30:00.123Z'))
    expect(id).toMatch(/^20261121-223000-demo-audit-[0-9a-f]{4}$/)
    const odd = newRunId('Démo  ../../etc/passwd ✓ ' + 'x'.repeat(200), new Date())
    expect(odd).toMatch(RUN_ID_PATTERN)
    expect(odd).toMatch(/^\d{8}-\d{6}-demo-etc-passwd-x+-[0-9a-f]{4}$/)
    expect(odd.length).toBeLessThanOrEqual(80)
    expect(newRunId('!!!', new Date('2026-01-01T00:00:00Z'))).toMatch(
      /^20260101-000000-run-[0-9a-f]{4}$/
    )
  })

  it('sorts by time as text', () => {
    const earlier = newRunId('zzz', new Date('2026-11-21T09:59:59Z'))
    const later = newRunId('aaa', new Date('2026-11-21T10:00:00Z'))
    expect([later, earlier].sort()).toEqual([earlier, later])
  })

  it('differs between runs started in the same second', () => {
    const date = new Date('2026-11-21T22:30:00Z')
    const ids = new Set(Array.from({ length: 10 }, () => store.newRunId('same', date)))
    expect(ids.size).toBeGreaterThan(1)
  })

  it('rejects an invalid date', () => {
    expect(() => newRunId('x', new Date('nonsense'))).toThrow(/date is invalid/)
  })
})

describe('RunStore create / update / get', () => {
  it('round-trips a record through run.json', async () => {
    const record = makeRecord('r1')
    await store.create(record)
    expect(await store.get('r1')).toEqual(record)
    const onDisk = JSON.parse(await readFile(join(root, 'runs', 'r1', 'run.json'), 'utf8'))
    expect(onDisk.name).toBe('run r1')
    expect(await readdir(join(root, 'runs'))).toEqual(['r1'])
  })

  it('refuses to create a run twice', async () => {
    await store.create(makeRecord('dup'))
    await expect(store.create(makeRecord('dup', { name: 'other' }))).rejects.toThrow(
      /run "dup" already exists/
    )
    expect((await store.get('dup')).name).toBe('run dup')
    expect(await readdir(join(root, 'runs'))).toEqual(['dup'])
  })

  it('fills a run folder made beforehand', async () => {
    await mkdir(join(root, 'runs', 'early'), { recursive: true })
    await store.create(makeRecord('early'))
    expect((await store.get('early')).id).toBe('early')
  })

  it('updates atomically and leaves no temp file', async () => {
    await store.create(makeRecord('u1', { status: 'running', finishedAt: undefined }))
    await store.update(makeRecord('u1', { status: 'failed', error: 'boom' }))
    const got = await store.get('u1')
    expect(got.status).toBe('failed')
    expect(got.error).toBe('boom')
    expect(await readdir(join(root, 'runs', 'u1'))).toEqual(['run.json'])
  })

  it('refuses to update a run that does not exist', async () => {
    await expect(store.update(makeRecord('ghost'))).rejects.toBeInstanceOf(RunNotFoundError)
    await expect(readdir(join(root, 'runs', 'ghost'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses to write an invalid record, naming the field', async () => {
    const bad = { ...makeRecord('bad'), seed: 1.5 }
    await expect(store.create(bad)).rejects.toThrow(/cannot create run "bad": seed:/)
    expect(await store.list()).toEqual([])
  })

  it('names the missing file when a run does not exist', async () => {
    const error = (await store.get('nothing').catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(RunNotFoundError)
    expect(error.message).toContain(join(root, 'runs', 'nothing', 'run.json'))
  })

  it('returns the folder name as the id of a copied run', async () => {
    await store.create(makeRecord('original'))
    await cp(join(root, 'runs', 'original'), join(root, 'runs', 'copy'), { recursive: true })
    expect((await store.get('copy')).id).toBe('copy')
  })
})

describe('RunStore with records edited by hand', () => {
  it('invalid JSON: get names the file, list still shows every run and this one as unreadable', async () => {
    await store.create(makeRecord('a', { createdAt: '2026-11-20T10:00:00.000Z' }))
    await store.create(makeRecord('b', { createdAt: '2026-11-22T10:00:00.000Z' }))
    await store.create(makeRecord('20261121-120000-broken-0abc'))
    const file = join(root, 'runs', '20261121-120000-broken-0abc', 'run.json')
    await writeFile(file, '{ "id": "broken", "name": "half', 'utf8')

    const error = (await store.get('20261121-120000-broken-0abc').catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(InvalidJsonError)
    expect(error.message).toContain(file)
    expect(error.message).toMatch(/edited by hand/)

    const list = await store.list()
    expect(list.map((s) => [s.id, s.status])).toEqual([
      ['b', 'completed'],
      ['20261121-120000-broken-0abc', 'unreadable'],
      ['a', 'completed']
    ])
    const broken = list[1]
    expect(broken.problem).toContain(file)
    expect(broken.name).toBe('20261121-120000-broken-0abc')
    // Its time comes from the id, which is how it sorts between the other two.
    expect(broken.createdAt).toBe('2026-11-21T12:00:00.000Z')
  })

  it('schema-invalid record: get names the file and the first bad field, list marks it unreadable', async () => {
    await store.create(makeRecord('good'))
    await store.create(makeRecord('edited'))
    const file = join(root, 'runs', 'edited', 'run.json')
    const raw = JSON.parse(await readFile(file, 'utf8'))
    raw.dataset.train = 'many'
    await writeFile(file, JSON.stringify(raw))

    const error = (await store.get('edited').catch((e: unknown) => e)) as InvalidRunRecordError
    expect(error).toBeInstanceOf(InvalidRunRecordError)
    expect(error.message).toContain(file)
    expect(error.message).toContain('dataset.train')
    expect(error.field).toBe('dataset.train')

    const list = await store.list()
    expect(list).toHaveLength(2)
    const edited = list.find((s) => s.id === 'edited')
    expect(edited?.status).toBe('unreadable')
    expect(edited?.problem).toContain('dataset.train')
    // Fields that survived are still shown so the user recognises the run.
    expect(edited?.name).toBe('run edited')
    expect(list.find((s) => s.id === 'good')?.status).toBe('completed')
  })

  it('a run folder without run.json is listed as unreadable, not hidden', async () => {
    await mkdir(join(root, 'runs', 'empty-folder'), { recursive: true })
    const [summary] = await store.list()
    expect(summary.id).toBe('empty-folder')
    expect(summary.status).toBe('unreadable')
    expect(summary.problem).toMatch(/run\.json is missing/)
  })
})

describe('RunStore.list', () => {
  it('is empty before any run exists', async () => {
    expect(await store.list()).toEqual([])
  })

  it('orders newest first', async () => {
    const times = [
      '2026-03-01T00:00:00Z',
      '2026-01-01T00:00:00Z',
      '2026-12-01T00:00:00Z',
      '2026-06-01T00:00:00Z'
    ]
    for (const [i, createdAt] of times.entries())
      await store.create(makeRecord(`run-${i}`, { createdAt }))
    expect((await store.list()).map((s) => s.id)).toEqual(['run-2', 'run-3', 'run-0', 'run-1'])
  })

  it('reports running runs with no engine as interrupted, live ones as running', async () => {
    await store.create(makeRecord('live', { status: 'running', finishedAt: undefined }))
    await store.create(makeRecord('stale', { status: 'running', finishedAt: undefined }))
    await store.create(makeRecord('done'))
    const byId = Object.fromEntries(
      (await store.list(new Set(['live']))).map((s) => [s.id, s.status])
    )
    expect(byId).toEqual({ live: 'running', stale: 'interrupted', done: 'completed' })
    // Listing does not rewrite anything.
    expect((await store.get('stale')).status).toBe('running')
  })

  it('ignores temp files and staging folders left by a kill', async () => {
    await store.create(makeRecord('kept'))
    await writeFile(join(root, 'runs', 'kept', '.run.json.999-abcdef.tmp'), '{"half')
    await writeFile(join(root, 'runs', '.stray.999-abcdef.tmp'), 'x')
    await mkdir(join(root, 'runs', '.other.999-abcdef.tmp'))
    await writeFile(join(root, 'runs', 'notes.txt'), 'a file, not a run')
    const list = await store.list()
    expect(list.map((s) => [s.id, s.status])).toEqual([['kept', 'completed']])
  })
})

describe('RunStore.markInterrupted', () => {
  it('rewrites stale running records only', async () => {
    await store.create(
      makeRecord('stale', { status: 'running', finishedAt: '2026-11-21T23:00:00.000Z' })
    )
    await store.create(makeRecord('live', { status: 'running', finishedAt: undefined }))
    await store.create(makeRecord('done'))
    await store.create(makeRecord('broken'))
    const brokenFile = join(root, 'runs', 'broken', 'run.json')
    await writeFile(brokenFile, '{"status": "running"')

    expect(await store.markInterrupted(new Set(['live']))).toEqual(['stale'])

    const stale = await store.get('stale')
    expect(stale.status).toBe('interrupted')
    expect(stale.error).toBe(INTERRUPTED_MESSAGE)
    expect('finishedAt' in stale).toBe(false)
    expect(stale.spec).toEqual(spec)
    expect((await store.get('live')).status).toBe('running')
    expect(await store.get('done')).toEqual(makeRecord('done'))
    expect(await readFile(brokenFile, 'utf8')).toBe('{"status": "running"')
    // Nothing left to do the second time.
    expect(await store.markInterrupted(new Set(['live']))).toEqual([])
  })
})

describe('RunStore.remove', () => {
  it('deletes the run and its artifacts, then reports false', async () => {
    await store.create(makeRecord('gone'))
    await writeFile(store.artifactPath('gone', 'report.pdf'), 'pdf')
    await store.create(makeRecord('stays'))
    expect(await store.remove('gone')).toBe(true)
    expect(await readdir(join(root, 'runs'))).toEqual(['stays'])
    expect(await store.remove('gone')).toBe(false)
  })
})

describe('RunStore paths', () => {
  it('builds artifact paths inside the run folder', () => {
    expect(store.artifactPath('r1', 'report.pdf')).toBe(join(root, 'runs', 'r1', 'report.pdf'))
    expect(store.runDir('r1')).toBe(join(root, 'runs', 'r1'))
  })

  it.each([
    '..',
    '../x',
    'a/b',
    'a\\b',
    '',
    '.',
    '.hidden',
    'x'.repeat(81),
    'a b',
    'a.b',
    '%2e%2e'
  ])('rejects the run id %j everywhere', async (bad) => {
    const message = /invalid run id/
    expect(() => store.runDir(bad)).toThrow(message)
    expect(() => store.artifactPath(bad, 'a.txt')).toThrow(message)
    await expect(store.get(bad)).rejects.toThrow(message)
    await expect(store.remove(bad)).rejects.toThrow(message)
    await expect(store.create(makeRecord(bad))).rejects.toThrow(message)
    await expect(store.update(makeRecord(bad))).rejects.toThrow(message)
  })

  it('does not touch anything outside runs/ for a traversal id', async () => {
    await writeFile(join(root, 'precious.txt'), 'keep')
    await expect(store.remove('..')).rejects.toThrow(/invalid run id/)
    await expect(store.create(makeRecord('../escape'))).rejects.toThrow(/invalid run id/)
    expect((await readdir(root)).sort()).toEqual(['precious.txt'])
  })

  it.each(['../run.json', 'a/b.txt', 'a\\b.txt', '..', '.', '.hidden', '', 'x'.repeat(129)])(
    'rejects the artifact name %j',
    (bad) => {
      expect(() => store.artifactPath('r1', bad)).toThrow(/invalid artifact file name/)
    }
  )
})
