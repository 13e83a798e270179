/**
 * `npm run audit` with a Harden step, through the CLI process: the ranking table on stdout, the
 * warning about an adversarial-training budget no chosen recipe uses (on stderr, and kept in the
 * run record and the report), the per-sample CSV next to the report. Settings shrunk to seconds (tests/unit/engine/harden/run-harden.test.ts checks
 * the numbers themselves).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RunRecord } from '../../../main/contract/run-record'

const CLI = join(__dirname, '../../../main/cli/audit.ts')
const recipe = { epochs: 1, batchSize: 50, lr: 0.05 }
const SPEC = {
  name: 'tiny cli harden',
  seed: 1,
  dataset: { trainLimit: 200, testLimit: 60 },
  surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, seed: 5, recipe }],
  targets: [{ name: 'tcnn', arch: 'small-cnn', width: 4, seed: 2, recipe }],
  attack: { eps: 16 / 255, steps: 2, maxExamples: 20 },
  harden: {
    target: 'tcnn',
    recipes: ['sgd', 'sam-0.1'],
    // Set, but neither recipe trains adversarially: the CLI says it changes nothing.
    adversarialTraining: { eps: 32 / 255 },
    whiteBox: { steps: 1, examples: 10 },
    flatness: {
      examples: 10,
      pgdSteps: 1,
      batchSize: 10,
      average: { samples: 1 },
      worst: { steps: 1, restarts: 1 }
    }
  }
}

describe('npm run audit with a Harden step', () => {
  it('prints the ranking table and the recommendation, warns about an unused adversarial-training budget, writes per-sample.csv', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatline-harden-cli-'))
    const specPath = join(dir, 'spec.json')
    await writeFile(specPath, JSON.stringify(SPEC))
    const out = join(dir, 'out')
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        '--spec',
        specPath,
        '--out',
        out,
        '--workspace',
        join(dir, 'ws'),
        '--no-pdf'
      ],
      {
        encoding: 'utf8',
        timeout: 240_000
      }
    )
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toContain(
      "warning: harden.adversarialTraining is set (ε 0.125 (32/255), larger than the audit's ε 0.0627 (16/255)) but no chosen recipe trains adversarially"
    )
    expect(result.stdout).toMatch(
      /\| rank \| recipe \| natural accuracy \| white-box PGD robust accuracy \(ε 16\/255\) \| transfer success/
    )
    expect(result.stdout).toMatch(
      /\| [12] \| SGD \(baseline\) \| \d+\.\d % \| \d+\.\d % \(\d+\/10\) \| \d+\.\d % ± \d+\.\d \(\d+\/\d+\) \|/
    )
    expect(result.stdout).toMatch(/\| [12] \| SAM ρ 0\.1 \| /)
    expect(result.stdout).toMatch(/\nRecommendation: (Train tcnn with|No recipe lowers transfer)/)
    const record = RunRecord.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')))
    expect(record.results?.harden?.recipes.map((r) => r.recipe).sort()).toEqual(['sam-0.1', 'sgd'])
    // The warning is kept with the run (a reopened run and the report show it), not only printed.
    expect(record.results?.harden?.warnings).toEqual([
      expect.stringContaining('but no chosen recipe trains adversarially: it changes nothing')
    ])
    expect(result.stdout).toContain('Warning: harden.adversarialTraining is set')
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain(
      'no chosen recipe trains adversarially: it changes nothing unless you add pgd-at, sam-at or awp.'
    )
    expect(existsSync(join(out, 'per-sample.csv'))).toBe(true)
  }, 300_000)
})
