import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const script = resolve(__dirname, '../../../scripts/start.mjs')
const scratch = mkdtempSync(join(tmpdir(), 'flatline-start-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs `node scripts/start.mjs --dry-run` with a controlled environment and returns its decision. */
function decide(env: Record<string, string>, args: string[] = []) {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch
  }
  const started = Date.now()
  const result = spawnSync(process.execPath, [script, '--dry-run', ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000
  })
  const decision =
    result.status === 0 ? (JSON.parse(result.stdout) as Record<string, unknown>) : null
  return { decision, status: result.status, stderr: result.stderr, ms: Date.now() - started }
}

const linux = process.platform === 'linux'

describe('scripts/start.mjs shell choice', () => {
  it('goes straight to browser mode with FLATLINE_SHELL=browser', () => {
    expect(decide({ FLATLINE_SHELL: 'browser' }).decision).toEqual({
      shell: 'browser',
      reason: 'FLATLINE_SHELL=browser',
      explain: false
    })
  })

  it('rejects an unknown FLATLINE_SHELL, naming the variable and the valid values', () => {
    const run = decide({ FLATLINE_SHELL: 'qt' })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('FLATLINE_SHELL="qt" is not a shell: use "electron" or "browser"')
  })

  it.runIf(linux)('falls back when Linux has no display', () => {
    const { decision } = decide({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })
    expect(decision).toMatchObject({ shell: 'browser', explain: true })
    expect(String(decision?.reason)).toContain('no graphical display')
  })

  it('uses an installed binary (ELECTRON_OVERRIDE_DIST_PATH) without downloading', () => {
    const dist = join(scratch, 'dist-ok')
    rmSync(dist, { recursive: true, force: true })
    const exe =
      process.platform === 'win32'
        ? 'electron.exe'
        : process.platform === 'darwin'
          ? 'Electron.app/Contents/MacOS/Electron'
          : 'electron'
    mkdirSync(join(dist, exe, '..'), { recursive: true })
    writeFileSync(join(dist, exe), '#!/bin/sh\n')
    chmodSync(join(dist, exe), 0o755)
    const { decision } = decide({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':99' }, [
      '--no-sandbox'
    ])
    expect(decision).toEqual({ shell: 'electron', electronPath: join(dist, exe) })
  })

  it('explains a missing binary when downloads are switched off', () => {
    const { decision } = decide(
      {
        ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'empty'),
        DISPLAY: ':99',
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1'
      },
      ['--no-sandbox']
    )
    expect(decision).toMatchObject({ shell: 'browser', explain: true })
    expect(String(decision?.reason)).toMatch(
      /Electron binary is not installed .*ELECTRON_SKIP_BINARY_DOWNLOAD is set/
    )
  })

  it('gives up quickly when the download cannot connect', () => {
    const run = decide(
      {
        ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'empty'),
        DISPLAY: ':99',
        // Port 9 (discard) on loopback refuses at once; a private cache keeps any real cache out of it.
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        electron_config_cache: join(scratch, 'cache')
      },
      ['--no-sandbox']
    )
    expect(run.decision).toMatchObject({ shell: 'browser', explain: true })
    expect(String(run.decision?.reason)).toContain('the Electron binary could not be downloaded')
    expect(run.ms).toBeLessThan(20_000)
  })
})
