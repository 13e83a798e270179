/**
 * An ensemble stack in a real (tiny) audit: the heatmap gets an "ensemble(a, b)" row next to each
 * member's own row (the same stack without the ensemble), on the same examples, with its white-box rate.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec, describeSpecError } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

const recipe = { epochs: 1, batchSize: 50, lr: 0.05 }
const base = {
  name: 'ensemble',
  dataset: { trainLimit: 200, testLimit: 60 },
  surrogates: [
    { name: 'sa', arch: 'small-cnn', width: 4, seed: 1, recipe },
    { name: 'sb', arch: 'small-resnet', width: 4, seed: 2, recipe }
  ],
  targets: [{ name: 't', arch: 'small-cnn', width: 6, seed: 3, recipe }]
}

describe('ensembles in audits', () => {
  it('adds an "ensemble(sa, sb)" row comparable with each member row', async () => {
    const spec = AuditSpec.parse({
      ...base,
      attack: {
        eps: 16 / 255,
        steps: 3,
        maxExamples: 12,
        repeats: 1,
        stack: { ens: { members: ['sa', 'sb'] }, mi: {} }
      }
    })
    const { ctx, events, store, runId } = await auditContext(spec)
    await runAudit(spec, ctx)
    const done = events.flatMap((e) =>
      e.kind === 'task-done' && e.taskId.startsWith('attack') ? [e.taskId] : []
    )
    expect(done).toEqual(['attack-sa', 'attack-sb', 'attack-ensemble-sa-sb'])
    const results = (await store.get(runId)).results!
    expect(results.transfer.map((c) => c.surrogate)).toEqual(['sa', 'sb', 'ensemble(sa, sb)'])
    const attacked = results.evaluated.attacked
    expect(attacked).toBeGreaterThan(0)
    for (const c of results.transfer) expect(c.attacked).toBe(attacked)
    expect(results.whiteBox.map((w) => w.surrogate)).toEqual(['sa', 'sb', 'ensemble(sa, sb)'])
    for (const w of results.whiteBox) expect(w.successRate).toBeGreaterThan(0)
  })

  it('rejects an ensemble of one and a member that is not a surrogate, naming the field', () => {
    const errorOf = (stack: unknown): string => {
      const parsed = AuditSpec.safeParse({ ...base, attack: { stack } })
      if (parsed.success) throw new Error('expected an error')
      return describeSpecError(parsed.error)
    }
    expect(errorOf({ ens: { members: ['sa'] } })).toMatch(
      /attack\.stack\.ens\.members: ens\.members: an ensemble needs at least 2 surrogates/
    )
    expect(errorOf({ ens: { members: ['sa', 'sc'] } })).toMatch(
      /attack\.stack\.ens\.members\.1: ens\.members: "sc" is not a surrogate of the audit: expected one of sa, sb/
    )
    expect(errorOf({ svre: {} })).toMatch(
      /attack\.stack\.svre: svre attacks an ensemble: add "ens"/
    )
  })
})
