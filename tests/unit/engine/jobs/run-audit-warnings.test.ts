import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec, type AuditSpecInput } from '../../../../main/contract/audit-spec'
import type { JobEvent } from '../../../../main/contract/job-events'
import type { RunRecord } from '../../../../main/contract/run-record'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { TargetCheckRefusedError } from '../../../../main/engine/jobs/check-imported-targets'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { buildReportHtml } from '../../../../main/engine/report/report-html'
import { onnxFixture } from '../targets/target-fixtures'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

const recipe = { epochs: 2, batchSize: 50, lr: 0.05 }
const spec = (overrides: Partial<AuditSpecInput>): AuditSpec =>
  AuditSpec.parse({
    name: 'warnings',
    dataset: { trainLimit: 300, testLimit: 100 },
    surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe }],
    targets: [{ name: 'tcnn', arch: 'small-cnn', width: 6, seed: 2, recipe }],
    attack: { eps: 32 / 255, steps: 3, maxExamples: 30, repeats: 1 },
    ...overrides
  })

async function run(
  s: AuditSpec
): Promise<{ result: RunRecord | unknown; events: JobEvent[]; root: string }> {
  const { ctx, events, root } = await auditContext(s)
  const result = await runAudit(s, ctx).catch((error: unknown) => error)
  return { result, events, root }
}

describe('runAudit flags what makes its numbers mean nothing', () => {
  it('stops a diverging surrogate on its NaN loss, keeps auditing, and flags it as stopped and near chance', async () => {
    // Momentum 1 with weight decay 1 at lr 10: the weights grow without bound until the loss overflows (epoch 3 here).
    const diverging = {
      name: 'wild',
      arch: 'small-cnn' as const,
      width: 4,
      seed: 5,
      recipe: { ...recipe, epochs: 8, lr: 10, momentum: 1, weightDecay: 1 }
    }
    const { result, root } = await run(
      spec({ surrogates: [{ name: 'sur', arch: 'small-cnn', width: 4, recipe }, diverging] })
    )
    const record = result as RunRecord
    expect(record.status).toBe('completed')
    const wild = record.results!.models.find((m) => m.name === 'wild')!
    expect(wild.stopped).toMatch(
      /^Training of "wild" stopped: the loss became NaN\/infinite at epoch \d, step \d+\. The last good checkpoint \(epoch \d\) is kept\./
    )
    expect(record.results!.transfer.map((c) => c.surrogate)).toEqual(['sur', 'wild'])
    const kinds = record.warnings!.filter((w) => w.model === 'wild').map((w) => w.kind)
    expect(kinds).toEqual(['non-finite-loss', 'near-chance'])
    expect(
      record.warnings!.find((w) => w.model === 'wild' && w.kind === 'near-chance')?.message
    ).toMatch(
      /^surrogate wild: \d+\.\d % natural accuracy, near chance \(10 %\): its transfer rates mean nothing$/
    )
    expect(await readdir(join(root, 'runs', record.id, 'models', 'wild'))).toContain(
      'manifest.json'
    )
    const html = buildReportHtml(record, {
      appVersion: '0',
      generatedAt: new Date(),
      gallery: null
    })
    expect(html).toContain('<h2>Warnings</h2>')
    expect(html).toContain('surrogate wild: ')
  })

  it('refuses, before training, an imported target whose check warns, unless it says acceptCheck', async () => {
    const withoutNorm = {
      name: 'in-house',
      format: 'onnx',
      path: onnxFixture('fmnist-cnn'),
      preprocessing: { layout: 'NCHW' }
    } as const
    const refused = await run(spec({ importedTargets: [withoutNorm] }))
    expect(refused.result).toBeInstanceOf(TargetCheckRefusedError)
    expect((refused.result as Error).message).toMatch(
      /^The audit did not start: imported target "in-house" \(importedTargets\): .*with the dataset's mean \[0\.\d+\] \/ std \[0\.\d+\] it is \d+\.\d % \(\d+\/100\) against \d+\.\d % \(\d+\/100\) as declared: .* Set "range": \[0,1\], "mean": \[0\.\d+\], "std": \[0\.\d+\] in its preprocessing, or add "acceptCheck": true to audit it as declared\.$/
    )
    expect(refused.events.some((e) => e.kind === 'started' || e.kind === 'epoch')).toBe(false)
    expect(await readdir(join(refused.root, 'runs')).catch(() => [])).toEqual([])

    const accepted = await run(spec({ importedTargets: [{ ...withoutNorm, acceptCheck: true }] }))
    const record = accepted.result as RunRecord
    expect(record.status).toBe('completed')
    expect(record.warnings?.find((w) => w.model === 'in-house')).toMatchObject({
      kind: 'target-check'
    })
    expect(record.warnings?.find((w) => w.model === 'in-house')?.message).toMatch(
      /^imported target "in-house" \(importedTargets\), accepted with acceptCheck: /
    )
  })
})
