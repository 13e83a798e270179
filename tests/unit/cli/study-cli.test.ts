import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StudyRecord } from '../../../main/contract/study-record'

const CLI = join(__dirname, '../../../main/cli/study.ts')
const TINY = join(__dirname, '../../fixtures/tiny-study.json')

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 600_000
  })
  return { code: result.status, stderr: result.stderr, stdout: result.stdout }
}

async function tmp(prefix: string) {
  return mkdtemp(join(tmpdir(), prefix))
}

describe('npm run study (CLI): bad input exits 2 naming the field', () => {
  it('names a preset that does not exist', () => {
    const { code, stderr } = runCli(['--preset', 'imagenet', '--out', '/tmp/x'])
    expect(code).toBe(2)
    expect(stderr).toMatch(
      /--preset: unknown preset "imagenet": expected one of quick, fashion-mnist, cifar10/
    )
  })

  it('names the field of a bad study file: one seed, a validation target among the test targets', async () => {
    const tiny = JSON.parse(await readFile(TINY, 'utf8'))
    const dir = await tmp('flatline-study-spec-')
    const oneSeed = join(dir, 'one-seed.json')
    await writeFile(oneSeed, JSON.stringify({ ...tiny, seeds: [1] }))
    const r1 = runCli(['--spec', oneSeed, '--out', join(dir, 'out1'), '--workspace', dir])
    expect(r1.code).toBe(2)
    expect(r1.stderr).toMatch(
      /seeds: a verdict compares mean ± 2 std over seeds, which needs at least 2 seeds/
    )
    const twin = join(dir, 'twin.json')
    await writeFile(
      twin,
      JSON.stringify({
        ...tiny,
        validation: { ...tiny.validation, targets: [{ ...tiny.targets[1], name: 'v-twin' }] }
      })
    )
    const r2 = runCli(['--spec', twin, '--out', join(dir, 'out2'), '--workspace', dir])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(
      /validation\.targets\.0: validation target "v-twin" is also test target "t-mlp"/
    )
    expect(existsSync(join(dir, 'out2', 'flatline-study.json'))).toBe(false)
  })

  it('fails a folder dataset too small for its validation split before training anything, naming dataset.validationSize', async () => {
    const tiny = JSON.parse(await readFile(TINY, 'utf8'))
    const dir = await tmp('flatline-study-small-')
    const spec = join(dir, 'small.json')
    const folder = join(__dirname, '../../fixtures/datasets/image-folder')
    await writeFile(
      spec,
      JSON.stringify({
        ...tiny,
        dataset: { source: 'image-folder', path: folder, imageSize: 28, validationSize: 20 },
        validation: { ...tiny.validation, examples: 5 }
      })
    )
    const { code, stderr } = runCli([
      '--spec',
      spec,
      '--out',
      join(dir, 'out'),
      '--workspace',
      dir,
      '--no-pdf'
    ])
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /dataset\.validationSize: the dataset is too small for dataset\.validationSize 20: it has \d+ training images/
    )
    // Nothing was started: no study record, no audit run.
    expect(await readdir(join(dir, 'studies')).catch(() => [])).toEqual([])
    expect(await readdir(join(dir, 'runs')).catch(() => [])).toEqual([])
  })
})

describe('npm run study (CLI): a tiny study end to end', () => {
  it('writes study.json with computed claims, report.html and report.pdf; cut short, the same command continues it', async () => {
    const dir = await tmp('flatline-study-run-')
    const out = join(dir, 'out')
    const args = ['--spec', TINY, '--out', out, '--workspace', dir]
    // Cut it short once the first seed is saved (SIGINT, as Ctrl-C), then run the same command again.
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let err = ''
    let interrupted = false
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
      if (!interrupted && /study: 1 of 2 seeds done/.test(err)) interrupted = child.kill('SIGINT')
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(130)
    const partial = StudyRecord.parse(
      JSON.parse(
        await readFile(
          join(
            dir,
            'studies',
            JSON.parse(await readFile(join(out, 'flatline-study.json'), 'utf8')).studyId,
            'study.json'
          ),
          'utf8'
        )
      )
    )
    expect(partial.status).toBe('cancelled')
    expect(partial.results.seeds).toEqual([1])
    const firstRun = partial.seeds[0].runId

    const again = runCli(args)
    expect(again.stderr).toMatch(/continuing study .* \(1 of 2 seeds done\)/)
    expect(again.code).toBe(0)
    const study = StudyRecord.parse(JSON.parse(await readFile(join(out, 'study.json'), 'utf8')))
    expect(study.status).toBe('completed')
    expect(study.resumed?.count).toBe(1)
    expect(study.seeds.map((s) => s.status)).toEqual(['completed', 'completed'])
    expect(study.seeds[0].runId).toBe(firstRun) // the completed seed was read back, not run again
    // Targets: trained by the first seed's audit, then reused from the zoo.
    expect(study.targets.map((t) => t.name)).toEqual(['t-max', 't-mlp', 'v-cnn'])
    const secondRun = JSON.parse(
      await readFile(join(dir, 'runs', study.seeds[1].runId!, 'run.json'), 'utf8')
    )
    expect(secondRun.spec.targets).toEqual([])
    expect(secondRun.spec.importedTargets.map((t: { format: string }) => t.format)).toEqual([
      'flatline',
      'flatline'
    ])

    expect(study.claims.length).toBeGreaterThanOrEqual(4)
    for (const c of study.claims) {
      expect([true, false, null]).toContain(c.holds)
      expect(c.evidence).toMatch(/\d/) // numbers, not fixed text
    }
    const [table] = study.results.table3
    expect(table.rows.map((r) => r.row)).toEqual([
      'sgd',
      'sgd-early-stopped',
      'l-sam',
      'swa',
      'lgv'
    ])
    expect(table.rows[0].average.values).toHaveLength(2)
    expect(table.rows.find((r) => r.row === 'sgd-early-stopped')!.cost.mean).toBeLessThanOrEqual(1)
    expect(table.rows.find((r) => r.row === 'l-sam')!.cost.mean).toBe(2)
    expect(study.results.table4[0].rows.map((r) => r.technique)).toEqual(['sgm', 'mi'])
    expect(study.results.curves[0].decays).toEqual([1, 2])
    expect(study.results.curves[0].points.every((p) => p.transfer && p.maxEigenvalue)).toBe(true)

    const html = await readFile(join(out, 'report.html'), 'utf8')
    expect(html).toContain('Table 3 — surrogates on small-resnet')
    expect(html).toContain('<svg')
    expect((await readFile(join(out, 'report.pdf'))).subarray(0, 5).toString()).toBe('%PDF-')
    expect(again.stdout).toMatch(/Verdicts\n- \[(holds|does not hold|not shown)\]/)
    // Where the time went: every seed's parts, the first seed's with its target trainings.
    expect(study.seeds[0].time?.['target training']).toBeGreaterThan(0)
    expect(
      study.seeds.every(
        (s) => (s.time?.['surrogate training'] ?? 0) > 0 && (s.time?.attacks ?? 0) > 0
      )
    ).toBe(true)
    expect(again.stdout).toMatch(
      /Where the time went: seeds' wall time seed 1 [\d.]+ min, seed 2 [\d.]+ min/
    )
  }, 900_000)
})
