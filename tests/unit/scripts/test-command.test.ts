import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ensureRequirements, REQUIREMENTS } from '../../../scripts/test-requirements.mjs'
import { summaryLine } from '../../../scripts/test-summary.mjs'

const script = resolve(__dirname, '../../../scripts/test.mjs')
const scratch = mkdtempSync(join(tmpdir(), 'flatline-test-cmd-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function npmTest(env: Record<string, string>) {
  return spawnSync(process.execPath, [script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
    cwd: resolve(__dirname, '../../..')
  })
}

describe('npm test: set-up', () => {
  const missing = {
    apt: 'flatline-missing-package',
    why: 'a test of the test command',
    present: () => false
  }

  it('stops before any test with the one command to run, when not root', () => {
    const message = ensureRequirements({
      requirements: [...REQUIREMENTS, missing],
      env: {},
      isRoot: false,
      log: () => {}
    })
    expect(message).toContain('flatline-missing-package (a test of the test command)')
    expect(message).toContain(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends flatline-missing-package'
    )
    expect(
      ensureRequirements({
        requirements: [{ ...missing, present: () => true }],
        env: {},
        isRoot: false
      })
    ).toBeNull()
  })

  it('runs no test when something is missing and installing is off', () => {
    const result = npmTest({
      FLATLINE_TEST_PRETEND_MISSING: 'chromium',
      FLATLINE_TEST_NO_INSTALL: '1'
    })
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/chromium \(end-to-end tests and PDF reports\)/)
    expect(result.stdout).toMatch(/apt-get install -y --no-install-recommends chromium\n/)
    expect(result.stdout).not.toContain('== ')
  })

  it.skipIf(process.getuid?.() !== 0)(
    'installs what is missing with apt-get as root, and stops if it is still missing',
    () => {
      const bin = join(scratch, 'bin')
      const calls = join(scratch, 'apt-calls.txt')
      spawnSync('mkdir', ['-p', bin])
      writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> ${calls}\n`)
      chmodSync(join(bin, 'apt-get'), 0o755)
      const result = npmTest({
        FLATLINE_TEST_PRETEND_MISSING: 'poppler-utils',
        PATH: `${bin}:${process.env.PATH}`
      })
      expect(readFileSync(calls, 'utf8')).toBe(
        'update -qq\ninstall -y -qq --no-install-recommends poppler-utils\n'
      )
      expect(result.status).toBe(1)
      expect(result.stdout).toContain('apt-get could not install what the tests need')
      expect(result.stdout).not.toContain('== ')
    }
  )
})

describe('npm test: summary line', () => {
  it('adds up the tests of every suite', () => {
    const line = summaryLine([
      { label: 'typecheck', ok: true },
      { label: 'unit tests', ok: true, tests: { passed: 883, failed: 0, skipped: 2 } },
      { label: 'e2e', ok: true, tests: { passed: 5, failed: 0, skipped: 0 } }
    ])
    expect(line).toBe('888 passed, 0 failed, 2 skipped')
  })

  it('counts a suite that did not start, or a failed check, as failed and names it', () => {
    const line = summaryLine([
      { label: 'lint', ok: false },
      { label: 'unit tests', ok: true, tests: { passed: 883, failed: 0, skipped: 0 } },
      { label: 'end-to-end tests', ok: false, tests: { passed: 0, failed: 0, skipped: 0 } }
    ])
    expect(line).toBe('883 passed, 2 failed (did not complete: lint, end-to-end tests)')
    expect(
      summaryLine([{ label: 'unit tests', ok: false, tests: { passed: 1, failed: 3, skipped: 0 } }])
    ).toBe('1 passed, 3 failed')
  })
})
