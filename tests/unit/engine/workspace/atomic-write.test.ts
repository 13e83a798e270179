import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
    await expect(writeFileAtomic(join(dir, 'missing', 'x.json'), '{}')).rejects.toMatchObject({ code: 'ENOENT' })
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
    await expect(writeJsonAtomic(target, undefined)).rejects.toThrow(/u\.json.*cannot be written as JSON/)
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
