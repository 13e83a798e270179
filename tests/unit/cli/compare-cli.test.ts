import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../main/contract/run-record'
import { fixtureRun } from '../helpers/harden-fixture'

const CLI = new URL('../../../main/cli/compare.ts', import.meta.url).pathname

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000
  })
}

function write(dir: string, name: string, edit: (r: RunRecord) => void): string {
  const run = fixtureRun()
  run.id = name
  run.name = name
  edit(run)
  const path = join(dir, `${name}.json`)
  writeFileSync(path, JSON.stringify(run))
  return path
}

describe('npm run compare', () => {
  it('prints each shared target with its change and the spread, and writes the comparison report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatline-compare-'))
    const v1 = write(dir, 'v1', () => undefined)
    const v2 = write(
      dir,
      'v2',
      (r) =>
        (r.results!.transfer = r.results!.transfer.map((c) =>
          c.target === 'target-cnn' ? { ...c, successRate: 0.3, fooled: 300 } : c
        ))
    )
    const out = join(dir, 'out')
    const r = runCli(['--before', v1, '--after', v2, '--out', out, '--no-pdf'])
    expect(r.stderr).toContain('wrote')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(
      'target-cnn: transfer success fell from 47.3 % to 30.0 % (−17.3 points), beyond the ± 4.3-point spread.'
    )
    expect(r.stdout).toContain('target-resnet: no clear change')
    const html = readFileSync(join(out, 'compare.html'), 'utf8')
    expect(html).toContain('<h1>Comparison — v1 → v2</h1>')
    expect(html).toMatch(/<figure class="chart"><svg/)
    expect(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')).targets).toHaveLength(2)
  }, 120_000)

  it('refuses runs on different datasets or without a shared target with exit code 2, naming what differs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatline-compare-'))
    const v1 = write(dir, 'v1', () => undefined)
    const other = write(dir, 'other', (r) => {
      r.dataset.name = 'cifar-10'
      r.dataset.shape = [32, 32, 3]
    })
    const disjoint = write(
      dir,
      'disjoint',
      (r) =>
        (r.results!.transfer = r.results!.transfer.map((c) => ({ ...c, target: 'in-house-v2' })))
    )
    const a = runCli(['--before', v1, '--after', other])
    expect(a.status).toBe(2)
    expect(a.stderr).toContain('cannot compare these runs: the runs used different datasets')
    expect(a.stderr).toContain('image shape 28×28×1 vs 32×32×3')
    const b = runCli(['--before', v1, '--after', disjoint])
    expect(b.status).toBe(2)
    expect(b.stderr).toContain(
      'the runs share no target: "v1" has target-cnn, target-resnet, "disjoint" has in-house-v2'
    )
  }, 120_000)
})
