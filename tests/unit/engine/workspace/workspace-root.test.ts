import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  defaultWorkspaceRoot,
  ensureWorkspace
} from '../../../../main/engine/workspace/workspace-root'

describe('defaultWorkspaceRoot', () => {
  it('uses FLATLINE_WORKSPACE when set, made absolute', () => {
    expect(defaultWorkspaceRoot({ FLATLINE_WORKSPACE: '/data/flat' }, 'linux', '/home/u')).toBe(
      '/data/flat'
    )
    expect(defaultWorkspaceRoot({ FLATLINE_WORKSPACE: 'rel/ws' }, 'linux', '/home/u')).toBe(
      resolve('rel/ws')
    )
  })

  it('ignores an empty FLATLINE_WORKSPACE', () => {
    expect(defaultWorkspaceRoot({ FLATLINE_WORKSPACE: '  ' }, 'linux', '/home/u')).toBe(
      '/home/u/.config/Flatline/workspace'
    )
  })

  it('follows XDG_CONFIG_HOME on Linux, else ~/.config', () => {
    expect(defaultWorkspaceRoot({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe(
      '/xdg/Flatline/workspace'
    )
    expect(defaultWorkspaceRoot({}, 'linux', '/home/u')).toBe('/home/u/.config/Flatline/workspace')
  })

  it('uses Application Support on macOS', () => {
    expect(defaultWorkspaceRoot({ XDG_CONFIG_HOME: '/xdg' }, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Flatline/workspace'
    )
  })

  it('uses %APPDATA% on Windows, with the usual fallback', () => {
    expect(
      defaultWorkspaceRoot({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')
    ).toBe('C:\\Users\\u\\AppData\\Roaming\\Flatline\\workspace')
    expect(defaultWorkspaceRoot({}, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Flatline\\workspace'
    )
  })

  it('reads the real environment by default', () => {
    const saved = process.env.FLATLINE_WORKSPACE
    process.env.FLATLINE_WORKSPACE = '/tmp/flatline-env-check'
    try {
      expect(defaultWorkspaceRoot()).toBe('/tmp/flatline-env-check')
    } finally {
      if (saved === undefined) delete process.env.FLATLINE_WORKSPACE
      else process.env.FLATLINE_WORKSPACE = saved
    }
  })
})

describe('ensureWorkspace', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flatline-root-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates root, runs and models folders, and is idempotent', async () => {
    const root = join(dir, 'a', 'b', 'workspace')
    const paths = await ensureWorkspace(root)
    expect(paths).toEqual({ root, runsDir: join(root, 'runs'), modelsDir: join(root, 'models') })
    for (const p of [paths.root, paths.runsDir, paths.modelsDir])
      expect((await stat(p)).isDirectory()).toBe(true)
    await expect(ensureWorkspace(root)).resolves.toEqual(paths)
  })

  it('names the folder and FLATLINE_WORKSPACE when a file blocks it', async () => {
    const root = join(dir, 'ws')
    await writeFile(root, 'not a folder')
    const error = (await ensureWorkspace(root).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toContain(root)
    expect(error.message).toMatch(/FLATLINE_WORKSPACE/)
  })
})
