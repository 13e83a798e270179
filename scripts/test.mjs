#!/usr/bin/env node
// `npm test`: unit tests, then the renderer build and the end-to-end tests in Chromium.
// Ends with one plain "N passed, N failed" line over both suites, and a non-zero exit on any failure.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'flatline-test-'))
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const totals = { passed: 0, failed: 0, skipped: 0 }
let failedSteps = 0

function step(label, args) {
  process.stdout.write(`\n== ${label} ==\n`)
  const result = spawnSync(npx, args, { stdio: 'inherit', env: process.env })
  if (result.status !== 0) failedSteps++
  return result.status === 0
}

function vitest(label, config, name) {
  const report = join(dir, `${name}.json`)
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
  if (config) args.push('--config', config)
  step(label, args)
  if (!existsSync(report)) return
  const json = JSON.parse(readFileSync(report, 'utf8'))
  totals.passed += json.numPassedTests
  totals.failed += json.numFailedTests + (json.numRuntimeErrors ?? 0)
  totals.skipped += json.numPendingTests + json.numTodoTests
}

vitest('unit tests', undefined, 'unit')
if (step('renderer build', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']))
  vitest('end-to-end tests (Chromium, browser mode)', 'tests/e2e/vitest.config.ts', 'e2e')

const summary = `${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : '')
process.stdout.write(`\n${summary}\n`)
process.exit(failedSteps > 0 || totals.failed > 0 ? 1 : 0)
