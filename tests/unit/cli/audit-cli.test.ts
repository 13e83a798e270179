import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RunRecord } from '../../../main/contract/run-record'

const CLI = join(__dirname, '../../../main/cli/audit.ts')
const TINY = join(__dirname, '../../fixtures/tiny-audit.json')
const IMPORTED = join(__dirname, '../../fixtures/imported-target-audit.json')

async function runCli(args: string[]) {
  const workspace = await mkdtemp(join(tmpdir(), 'flatline-cli-ws-'))
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', CLI, ...args, '--workspace', workspace],
    { encoding: 'utf8', timeout: 240_000 }
  )
  return { code: result.status, stderr: result.stderr, stdout: result.stdout, workspace }
}

async function specFile(content: string) {
  const path = join(await mkdtemp(join(tmpdir(), 'flatline-spec-')), 'spec.json')
  await writeFile(path, content)
  return path
}

describe('npm run audit (CLI)', () => {
  it.each([
    [
      'an unknown architecture',
      { surrogates: [{ name: 's', arch: 'vgg' }], targets: [{ name: 't', arch: 'small-cnn' }] },
      /surrogates\.0\.arch: unknown architecture "vgg"/
    ],
    [
      'ε outside (0, 1]',
      {
        surrogates: [{ name: 's', arch: 'small-cnn' }],
        targets: [{ name: 't', arch: 'small-cnn' }],
        attack: { eps: 1.5 }
      },
      /attack\.eps: eps must be in \(0, 1\]/
    ],
    [
      'an unknown minimizer',
      {
        surrogates: [{ name: 's', arch: 'small-cnn', recipe: { minimizer: { id: 'adam' } } }],
        targets: [{ name: 't', arch: 'small-cnn' }]
      },
      /surrogates\.0\.recipe\.minimizer\.id: unknown minimizer id: expected one of sgd, sam/
    ],
    [
      'a misspelled key',
      {
        surrogates: [{ name: 's', arch: 'small-cnn' }],
        targets: [{ name: 't', arch: 'small-cnn' }],
        attack: { techniques: { mi: {} } }
      },
      /unknown key attack\.techniques; did you mean attack\.stack\?/
    ],
    [
      'an unknown key',
      {
        surrogates: [{ name: 's', arch: 'small-cnn' }],
        targets: [{ name: 't', arch: 'small-cnn' }],
        bogus: 1
      },
      /unknown key bogus\n/
    ],
    [
      'no target',
      { surrogates: [{ name: 's', arch: 'small-cnn' }], targets: [] },
      /targets: an audit needs at least one target: .*importedTargets/
    ],
    [
      'an imported target of unknown format',
      {
        surrogates: [{ name: 's', arch: 'small-cnn' }],
        importedTargets: [{ name: 't', format: 'pt', path: 'model.pt' }]
      },
      /importedTargets\.0\.format: unknown format "pt": expected "onnx", "tfjs" or "flatline"/
    ]
  ])('exits 2 naming the field for %s', async (_, spec, message) => {
    const out = await mkdtemp(join(tmpdir(), 'flatline-out-'))
    const { code, stderr } = await runCli([
      '--spec',
      await specFile(JSON.stringify(spec)),
      '--out',
      out
    ])
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(existsSync(join(out, 'results.json'))).toBe(false)
  })

  it('exits 2 naming the file for a spec that is not JSON', async () => {
    const path = await specFile('{ "name": ')
    const { code, stderr } = await runCli(['--spec', path, '--out', tmpdir()])
    expect(code).toBe(2)
    expect(stderr).toContain(`The spec file ${path} is not valid JSON`)
  })

  /** The imported-target fixture spec with its target declared without the mean/std it was trained on. */
  async function withoutNorm(acceptCheck?: boolean) {
    const spec = JSON.parse(await readFile(IMPORTED, 'utf8'))
    spec.importedTargets[0] = {
      ...spec.importedTargets[0],
      preprocessing: { layout: 'NCHW' },
      ...(acceptCheck ? { acceptCheck } : {})
    }
    return specFile(JSON.stringify(spec))
  }

  it('exits 2 before training when an imported target checks better with another preprocessing, naming both accuracies and the fix', async () => {
    const out = await mkdtemp(join(tmpdir(), 'flatline-out-'))
    const { code, stderr } = await runCli(['--spec', await withoutNorm(), '--out', out, '--no-pdf'])
    expect(code).toBe(2)
    expect(stderr).toMatch(
      /imported target "in-house-onnx" \(importedTargets\): .*it is \d+\.\d % \(\d+\/60\) against \d+\.\d % \(\d+\/60\) as declared/
    )
    expect(stderr).toMatch(
      /Set "range": \[0,1\], "mean": \[0\.\d+\], "std": \[0\.\d+\] in its preprocessing, or add "acceptCheck": true/
    )
    expect(stderr).not.toMatch(/epoch 1: loss/)
    expect(existsSync(join(out, 'results.json'))).toBe(false)
  })

  it('audits an imported ONNX target from the spec (no trained target), carrying its accepted check warning', async () => {
    const out = await mkdtemp(join(tmpdir(), 'flatline-out-'))
    const { code, stderr, stdout } = await runCli([
      '--spec',
      await withoutNorm(true),
      '--out',
      out,
      '--no-pdf'
    ])
    expect(code, stderr).toBe(0)
    const record = RunRecord.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')))
    expect(record.status).toBe('completed')
    expect(record.results!.transfer.map((c) => `${c.surrogate}->${c.target}`)).toEqual([
      'surrogate-cnn->in-house-onnx'
    ])
    const inhouse = record.results!.models.find((m) => m.name === 'in-house-onnx')
    expect(inhouse).toMatchObject({ role: 'target', arch: 'onnx', params: 0 })
    const warning = record.warnings?.find((w) => w.model === 'in-house-onnx')
    expect(warning?.message).toMatch(
      /^imported target "in-house-onnx" \(importedTargets\), accepted with acceptCheck: .*with the dataset's mean/
    )
    expect(stdout).toContain(`warning: ${warning?.message}\n`)
    expect(stdout.indexOf('warning: ')).toBeLessThan(
      stdout.indexOf('surrogate-cnn -> in-house-onnx')
    )
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('accepted with acceptCheck')
  })

  it('runs a tiny audit end to end: results.json, report.html and a PDF whose text holds the success-rate table', async () => {
    const out = await mkdtemp(join(tmpdir(), 'flatline-out-'))
    const hasPdfTools = existsSync('/usr/bin/chromium') && existsSync('/usr/bin/pdftotext')
    const { code, stderr } = await runCli([
      '--spec',
      TINY,
      '--out',
      out,
      ...(hasPdfTools ? [] : ['--no-pdf'])
    ])
    expect(code, stderr).toBe(0)
    expect(stderr).toMatch(/surrogate-cnn epoch 2: loss/)
    const record = RunRecord.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')))
    expect(record.status).toBe('completed')
    const cells = record.results!.transfer
    expect(cells).toHaveLength(2)
    const html = await readFile(join(out, 'report.html'), 'utf8')
    for (const cell of cells) expect(html).toContain(`${(cell.successRate * 100).toFixed(1)} %`)
    if (!hasPdfTools) return
    const text = execFileSync('pdftotext', ['-layout', join(out, 'report.pdf'), '-'], {
      encoding: 'utf8'
    })
    for (const cell of cells) {
      const row = new RegExp(
        `${cell.surrogate}\\s+${cell.target}\\s+${(cell.successRate * 100).toFixed(1)} %`
      )
      expect(text).toMatch(row)
    }
  })
})
