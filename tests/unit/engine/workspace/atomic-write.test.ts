import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  InvalidJsonError,
  isTempFileName,
  readJsonFile,
  writeFileAtomic,
  writeJsonAtomic
} from '../../../../main/engine/workspace/atomic-write'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flatline-atomic-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomic', () => {
  it('creates then replaces the content and leaves no temp file', async () => {
    const target = join(dir, 'data.txt')
    await writeFileAtomic(target, 'first version, rather long')
    expect(await readFile(target, 'utf8')).toBe('first version, rather long')
    await writeFileAtomic(target, 'second')
    expect(await readFile(target, 'utf8')).toBe('second')
    expect(await readdir(dir)).toEqual(['data.txt'])
  })

  it('writes bytes exactly', async () => {
    const target = join(dir, 'weights.bin')
    const bytes = new Uint8Array([0, 255, 1, 128, 10, 13])
    await writeFileAtomic(target, bytes)
    expect(new Uint8Array(await readFile(target))).toEqual(bytes)
  })

  it('keeps the last of many concurrent writes whole and leaves no temp file', async () => {
    const target = join(dir, 'busy.json')
    const values = Array.from({ length: 20 }, (_, i) => ({ i, fill: String(i).repeat(5000) }))
    await Promise.all(values.map((v) => writeJsonAtomic(target, v)))
    const read = (await readJsonFile(target)) as { i: number; fill: string }
    expect(read.fill).toBe(String(read.i).repeat(5000))
    expect(await readdir(dir)).toEqual(['busy.json'])
  })

  it('leaves the target untouched and removes the temp file when the rename fails', async () => {
    // A folder sits where the file should go: the write succeeds, the rename over it fails.
    const target = join(dir, 'occupied')
    await writeFile(join(dir, 'keep.txt'), 'x')
    await mkdir(join(target, 'inside'), { recursive: true })
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow()
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'occupied'])
    expect(await readdir(target)).toEqual(['inside'])
  })

  it('fails with the file system error when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'x.json'), '{}')).rejects.toMatchObject({
      code: 'ENOENT'
    })
  })
})

describe('writeJsonAtomic', () => {
  it('writes pretty JSON with a trailing newline', async () => {
    const target = join(dir, 'v.json')
    await writeJsonAtomic(target, { a: 1, b: [true] })
    expect(await readFile(target, 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}\n')
  })

  it('refuses a value JSON cannot hold instead of writing "undefined"', async () => {
    const target = join(dir, 'u.json')
    await expect(writeJsonAtomic(target, undefined)).rejects.toThrow(
      /u\.json.*cannot be written as JSON/
    )
    expect(await readdir(dir)).toEqual([])
  })
})

describe('readJsonFile', () => {
  it('round-trips what writeJsonAtomic wrote', async () => {
    const target = join(dir, 'r.json')
    const value = { name: 'démo', n: [1, 2.5, -3], nested: { ok: null } }
    await writeJsonAtomic(target, value)
    expect(await readJsonFile(target)).toEqual(value)
  })

  it('accepts a UTF-8 byte-order mark', async () => {
    const target = join(dir, 'bom.json')
    await writeFile(target, '\ufeff{"a": 2}')
    expect(await readJsonFile(target)).toEqual({ a: 2 })
  })

  it('names the file and the way out when the JSON was broken by hand', async () => {
    const target = join(dir, 'hand-edited.json')
    await writeFile(target, '{ "a": 1, }')
    const error = await readJsonFile(target).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidJsonError)
    const message = (error as Error).message
    expect(message).toContain(target)
    expect(message).toMatch(/edited by hand/)
    expect(message).toMatch(/Fix the JSON or delete the file/)
    expect(message).toMatch(/rest of the workspace is unaffected/)
    expect((error as InvalidJsonError).path).toBe(target)
  })

  it('reports an empty file as invalid JSON', async () => {
    const target = join(dir, 'empty.json')
    await writeFile(target, '')
    await expect(readJsonFile(target)).rejects.toBeInstanceOf(InvalidJsonError)
  })

  it('rethrows a missing file as ENOENT so callers can tell it apart', async () => {
    await expect(readJsonFile(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('isTempFileName', () => {
  it('recognises the temp names writeFileAtomic uses and nothing else', () => {
    expect(isTempFileName('.run.json.1234-abcdef012345.tmp')).toBe(true)
    expect(isTempFileName('run.json')).toBe(false)
    expect(isTempFileName('report.tmp')).toBe(false)
    expect(isTempFileName('.hidden')).toBe(false)
  })
})

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const KILL_FIXTURE = join(REPO_ROOT, 'tests', 'fixtures', 'atomic-write-loop.ts')

/** Resolves once the child prints `ready` (its first write is done); rejects with its stderr if it dies first. */
function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(
      () => reject(new Error(`fixture not ready after 15 s; stderr: ${stderr}`)),
      15_000
    )
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('ready')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`fixture exited with ${code} before it was ready; stderr: ${stderr}`))
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

describe('writeJsonAtomic killed mid-loop', () => {
  it('always leaves the target as one whole written value after SIGKILL at random moments', async () => {
    const target = join(dir, 'state.json')
    const fillLength = 100_000
    let killsDuringWrite = 0
    for (let round = 0; round < 20; round++) {
      // Plain node with tsx's loader, so the real writeJsonAtomic runs in the child.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', KILL_FIXTURE, target, String(fillLength)],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe']
        }
      )
      try {
        await waitForReady(child)
        const delay = 2 + Math.random() * 48
        await new Promise((resolve) => setTimeout(resolve, delay))
        child.kill('SIGKILL')
        await exited(child)
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      }
      expect(
        child.signalCode,
        `round ${round}: the child should have been killed, not exited`
      ).toBe('SIGKILL')

      const value = JSON.parse(await readFile(target, 'utf8')) as {
        seq: number
        check: number
        fill: string
      }
      expect(
        Number.isInteger(value.seq) && value.seq >= 0,
        `round ${round}: seq ${value.seq}`
      ).toBe(true)
      expect(value.check, `round ${round}`).toBe(value.seq * 7919)
      expect(value.fill, `round ${round}`).toBe('x'.repeat(fillLength))

      // A temp file left behind means the kill landed inside a write: the case this test is about.
      const leftovers = (await readdir(dir)).filter(isTempFileName)
      if (leftovers.length > 0) killsDuringWrite++
      await Promise.all(leftovers.map((name) => unlink(join(dir, name))))
    }
    console.info(`atomic-write kill test: ${killsDuringWrite}/20 kills landed mid-write`)
    // If no kill ever hit a write, the test proved nothing; the loop spends most of its time inside writes.
    expect(killsDuringWrite).toBeGreaterThan(0)
  }, 60_000)
})
