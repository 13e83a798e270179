import { readdir, readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { decodeImage } from '../../../../main/engine/data/decode-image'
import { collectLgvMembers } from '../../../../main/engine/attacks/attack-plan'
import { Rng } from '../../../../main/engine/data/rng'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

const recipe = { epochs: 1, batchSize: 50, lr: 0.05 }
const spec = (attack: Record<string, unknown>, surrogateArch = 'small-resnet') =>
  AuditSpec.parse({
    name: 'stack',
    dataset: { trainLimit: 100, testLimit: 60 },
    surrogates: [{ name: 'sur', arch: surrogateArch, width: 4, recipe }],
    targets: [{ name: 'tgt', arch: 'small-cnn', width: 4, seed: 2, recipe }],
    attack: { eps: 32 / 255, steps: 3, maxExamples: 12, ...attack }
  })

async function audit(s: AuditSpec) {
  const { ctx, events, runDir } = await auditContext(s)
  const result = await runAudit(s, ctx).catch((error: unknown) => error)
  return { events, result, runDir }
}

describe('runAudit with an attack stack', () => {
  it('runs the stack, repeated over seeds, and stores mean, std and repeats in every transfer cell', async () => {
    const { events, result, runDir } = await audit(
      spec({ stack: { gn: {}, di: {}, mi: {} }, repeats: 2, seed: 4, exportExamples: true })
    )
    expect(events.at(-1)?.kind).toBe('completed')
    const started = events.find((e) => e.kind === 'started')
    expect(started?.kind === 'started' && started.tasks.at(-1)?.label).toBe(
      'BIM + GN + DI + MI from sur, transfer to targets'
    )
    const cell = (result as { results: { transfer: Record<string, number>[] } }).results.transfer[0]
    expect(cell).toMatchObject({ repeats: 2, attacked: expect.any(Number) as number })
    expect(cell.mean).toBe(cell.successRate)
    expect(cell.std).toBeGreaterThanOrEqual(0)

    // Export: one PNG per attacked example plus a CSV of labels and every model's prediction.
    const dir = `${runDir}/adversarial/sur`
    const csv = (await readFile(`${dir}/examples.csv`, 'utf8')).trim().split('\n')
    expect(csv[0]).toBe(
      'file,test_index,label,label_name,goal,sur_prediction,sur_prediction_name,tgt_prediction,tgt_prediction_name'
    )
    expect(csv).toHaveLength(cell.attacked + 1)
    const pngs = (await readdir(dir)).filter((f) => f.endsWith('.png'))
    expect(pngs).toHaveLength(cell.attacked)
    const first = csv[1].split(',')[0]
    const image = decodeImage(new Uint8Array(await readFile(`${dir}/${first}`)), first)
    expect([image.width, image.height]).toEqual([28, 28])
    const fooledOnTarget = csv.slice(1).filter((row) => {
      const f = row.split(',')
      return f[2] !== f[7]
    }).length
    expect(fooledOnTarget).toBe(cell.fooled)
  })

  it('fails before any training when GN meets a surrogate without skips, naming field and model', async () => {
    const { events, result } = await audit(spec({ stack: { gn: {} } }, 'small-cnn'))
    expect(result).toBeInstanceOf(Error)
    expect(events.some((e) => e.kind === 'epoch')).toBe(false)
    const failed = events.at(-1)
    expect(failed?.kind === 'failed' && failed.message).toMatch(
      /attack\.stack\.gn: GN \(ghost networks\) .*surrogate "sur" is a small-cnn/
    )
  })

  it('collects LGV members in the audit when no folders are given, and attacks with them', async () => {
    const { events, result } = await audit(
      spec({ stack: { lgv: { collect: { epochs: 1, perEpoch: 2, batchSize: 25 } } }, repeats: 2 })
    )
    expect(events.at(-1)?.kind).toBe('completed')
    const cell = (result as { results: { transfer: Record<string, number>[] } }).results.transfer[0]
    expect(cell.repeats).toBe(2)
  })
})

describe('collectLgvMembers', () => {
  it('collects epochs × perEpoch distinct members from a copy, leaving the surrogate unchanged', async () => {
    const data = await tinyDataset(100, 10)
    const surrogate = buildClassifier(tinyConfig('small-resnet', 4), new Rng(3))
    const snapshot = (m: typeof surrogate) =>
      Array.from(m.params.all().get('head/kernel')!.dataSync())
    const before = snapshot(surrogate)
    const members = await collectLgvMembers(
      surrogate,
      data.train,
      { epochs: 2, perEpoch: 2, lr: 0.05, batchSize: 25 },
      { seed: 1, flipPreservesLabel: true }
    )
    expect(members).toHaveLength(4)
    expect(snapshot(surrogate)).toEqual(before)
    const heads = members.map(snapshot)
    expect(heads[0]).not.toEqual(before)
    expect(heads[1]).not.toEqual(heads[0])
    members.forEach((m) => m.params.dispose())
    surrogate.params.dispose()
  })
})
