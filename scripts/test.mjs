#!/usr/bin/env node
// `npm test`: checks the machine (installing what is missing, see test-requirements.mjs), the
// typecheck, lint, unit tests, then the renderer build and the end-to-end tests in Chromium. Ends with one
// plain "N passed, N failed" line over every step, and a non-zero exit on any failure.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { staleAddonReason } from '../main/engine/backend/native/stale-addon.mjs'
import { ensureRequirements } from './test-requirements.mjs'
import { summaryLine } from './test-summary.mjs'

const problem = ensureRequirements()
if (problem) {
  process.stdout.write(`\n${problem}\n`)
  process.exit(1)
}

const dir = mkdtempSync(join(tmpdir(), 'flatline-test-'))
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const steps = []

function run(label, args, command = npx) {
  process.stdout.write(`\n== ${label} ==\n`)
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env })
  const step = { label, ok: result.status === 0 }
  steps.push(step)
  return step
}

/** A step that could not run because an earlier one failed: it counts as failed. */
function notStarted(label) {
  steps.push({ label, ok: false })
}

function vitest(label, config, name) {
  const report = join(dir, `${name}.json`)
  const args = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`
  ]
  if (config) args.push('--config', config)
  const step = run(label, args)
  if (!existsSync(report)) return
  const json = JSON.parse(readFileSync(report, 'utf8'))
  step.tests = {
    passed: json.numPassedTests,
    failed: json.numFailedTests + (json.numRuntimeErrors ?? 0),
    skipped: json.numPendingTests + json.numTodoTests
  }
}

run('typecheck', ['tsc', '--noEmit', '-p', 'tsconfig.json'])
run('typecheck (renderer)', ['vue-tsc', '--noEmit', '-p', 'renderer/tsconfig.json'])
run('format', ['prettier', '--check', '.', '--log-level', 'warn'])
run('lint', ['eslint', '--cache', '--cache-location', 'node_modules/.cache/eslint/', '.'])
// The native kernels' tests skip only when the addon is missing, so build it when it is missing or
// older than its sources (the rule the engine uses to refuse a stale build).
const addon = join('native', 'build', 'Release', 'flatline_native.node')
if (!existsSync(addon) || staleAddonReason(addon) !== undefined)
  run('native kernels build (oneDNN)', ['run', 'build:native'], npm)
vitest('unit tests', undefined, 'unit')
const e2e = 'end-to-end tests (Chromium, browser mode)'
if (
  run('renderer build', [
    'vite',
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--logLevel',
    'warn'
  ]).ok
)
  vitest(e2e, 'tests/e2e/vitest.config.ts', 'e2e')
else notStarted(e2e)

process.stdout.write(`\n${summaryLine(steps)}\n`)
process.exit(steps.every((s) => s.ok && !(s.tests?.failed > 0)) ? 0 : 1)
