import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../main/contract/audit-spec'
import { parseCliArgs } from '../../../main/cli/cli-args'
import { readRunPointer, writeRunPointer } from '../../../main/cli/run-pointer'
import { RunStore } from '../../../main/engine/workspace/run-store'

const CLI = join(__dirname, '../../../main/cli/audit.ts')
const TINY = join(__dirname, '../../fixtures/tiny-audit.json')

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000
  })
  return { code: result.status, stderr: result.stderr }
}

describe('npm run audit -- --resume', () => {
  it('parses --resume alone, refuses it with --spec, and names the missing pointer file', async () => {
    expect(parseCliArgs(['--resume', 'out', '--no-pdf'])).toEqual({
      out: 'out',
      resume: true,
      workspace: undefined,
      pdf: false
    })
    expect(() => parseCliArgs(['--resume', 'out', '--spec', TINY])).toThrow(
      /--resume takes the run's folder and its stored spec/
    )
    const out = await mkdtemp(join(tmpdir(), 'flatline-out-'))
    await expect(readRunPointer(out)).rejects.toThrow(
      `cannot resume from ${out}: ${join(out, 'flatline-run.json')} is missing`
    )
    await writeRunPointer(out, { runId: 'r-1', workspace: '/ws' })
    expect(await readRunPointer(out)).toEqual({ runId: 'r-1', workspace: '/ws' })
  })

  it('exits 2 for a completed run, leaving it untouched', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'flatline-cli-ws-'))
    const out = await mkdtemp(join(tmpdir(), 'flatline-out-'))
    const store = new RunStore(workspace)
    const spec = AuditSpec.parse(JSON.parse(await readFile(TINY, 'utf8')))
    const dataset = { name: 'fmnist', train: 10, test: 10, shape: [28, 28, 1] }
    await store.create({
      id: 'done',
      name: 'tiny',
      status: 'completed',
      createdAt: new Date().toISOString(),
      spec,
      seed: 0,
      backend: 'test',
      versions: {},
      dataset,
      timings: {}
    })
    await writeFile(join(out, 'flatline-run.json'), JSON.stringify({ runId: 'done', workspace }))
    const before = await readFile(store.recordPath('done'), 'utf8')
    const { code, stderr } = runCli(['--resume', out, '--no-pdf'])
    expect(code).toBe(2)
    expect(stderr).toContain('Run "done" is completed: there is nothing to resume')
    expect(await readFile(store.recordPath('done'), 'utf8')).toBe(before)
  })
})
