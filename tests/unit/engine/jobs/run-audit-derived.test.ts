import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { runAudit } from '../../../../main/engine/jobs/run-audit'
import { loadClassifier } from '../../../../main/engine/models/model-io'
import { auditContext } from '../../helpers/audit-context'

beforeAll(async () => {
  await initBackend()
})

const recipe = {
  epochs: 4,
  batchSize: 50,
  lr: 0.05,
  lrSchedule: { kind: 'step', every: 2, gamma: 0.1 }
}

describe('derived surrogates (early-stopped and SWA read from the SGD run)', () => {
  it('early-stopped is the best validation epoch checkpoint; SWA equals a trained swa surrogate with the same seed, bit for bit', async () => {
    const spec = AuditSpec.parse({
      name: 'tiny-derived',
      seed: 3,
      dataset: { trainLimit: 400, testLimit: 60, validationSize: 100 },
      surrogates: [
        { name: 'sgd', arch: 'small-cnn', width: 4, seed: 7, recipe, track: { transfer: true } },
        {
          name: 'swa-trained',
          arch: 'small-cnn',
          width: 4,
          seed: 7,
          recipe: { ...recipe, minimizer: { id: 'swa' } }
        }
      ],
      derivedSurrogates: [
        { name: 'sgd-es', from: 'sgd', method: 'early-stopped' },
        { name: 'swa', from: 'sgd', method: 'swa' }
      ],
      targets: [
        {
          name: 'test-t',
          arch: 'small-cnn',
          width: 4,
          seed: 2,
          recipe: { epochs: 2, batchSize: 50, lr: 0.05 }
        }
      ],
      validation: {
        targets: [
          {
            name: 'val-t',
            arch: 'small-cnn',
            width: 4,
            seed: 3,
            recipe: { epochs: 2, batchSize: 50, lr: 0.05 }
          }
        ],
        examples: 30
      },
      attacks: [
        { eps: 32 / 255, steps: 3, maxExamples: 30, repeats: 1 },
        {
          eps: 32 / 255,
          steps: 3,
          maxExamples: 30,
          repeats: 1,
          stack: { mi: {} },
          surrogates: ['sgd-es']
        }
      ]
    })
    const { ctx, runDir } = await auditContext(spec)
    const record = await runAudit(spec, ctx)
    const models = record.results!.models
    const byName = (name: string) => models.find((m) => m.name === name)!
    expect(models.map((m) => m.name)).toEqual(['sgd', 'swa-trained', 'sgd-es', 'swa', 'test-t'])

    const sgd = byName('sgd')
    const rates = sgd.epochs.map((e) => e.validationTransfer!.fooled)
    const best = rates.indexOf(Math.max(...rates)) + 1
    const es = byName('sgd-es')
    expect(es.derived).toEqual({ from: 'sgd', method: 'early-stopped' })
    expect(es.chosenEpoch?.epoch).toBe(best)
    expect(es.passes).toBe(sgd.epochs.slice(0, best).reduce((n, e) => n + e.passes!, 0))
    const checkpoint = await loadClassifier(
      join(runDir, 'models', 'sgd', 'checkpoints', `epoch-00${best}`)
    )
    checkpoint.model.params.dispose()
    expect(es.hash).toBe(checkpoint.manifest.sha256)

    // The trained SWA follows the same SGD trajectory: averaging checkpoints reproduces it exactly.
    expect(byName('swa').hash).toBe(byName('swa-trained').hash)
    expect(byName('swa').passes).toBe(sgd.passes)
    expect(byName('swa').accuracy).toBe(byName('swa-trained').accuracy)

    // Derived surrogates are attacked like trained ones, and a queue entry may name them alone.
    const cells = record.results!.transfer.map((c) => `${c.attack}|${c.surrogate}`)
    expect(cells).toEqual([
      'BIM|sgd',
      'BIM|swa-trained',
      'BIM|sgd-es',
      'BIM|swa',
      'BIM + MI|sgd-es'
    ])
  }, 240_000)
})

describe('derived surrogate spec', () => {
  const base = {
    dataset: { validationSize: 100 },
    surrogates: [
      { name: 'sgd', arch: 'small-cnn', recipe: { epochs: 8 } },
      {
        name: 'sam',
        arch: 'small-cnn',
        recipe: { epochs: 8, minimizer: { id: 'sam' } },
        track: { transfer: true }
      }
    ],
    targets: [{ name: 't', arch: 'small-cnn' }],
    validation: { targets: [{ name: 'v', arch: 'small-cnn', seed: 9 }] }
  }
  const problems = (derivedSurrogates: unknown[]) => {
    const parsed = AuditSpec.safeParse({ ...base, derivedSurrogates })
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  }
  it('names the field of each mistake', () => {
    expect(problems([{ name: 'x', from: 'nope', method: 'swa' }])).toEqual([
      'derivedSurrogates.0.from: unknown surrogate "nope": expected one of sgd, sam'
    ])
    expect(problems([{ name: 'x', from: 'sgd', method: 'early-stopped' }])[0]).toMatch(
      /^derivedSurrogates\.0\.from: early-stopped reads .* "track": \{ "transfer": true \}/
    )
    expect(problems([{ name: 'x', from: 'sam', method: 'swa' }])[0]).toMatch(
      /^derivedSurrogates\.0\.from: swa averages an SGD run/
    )
    expect(problems([{ name: 'x', from: 'sgd', method: 'swa', averageStart: 9 }])).toEqual([
      'derivedSurrogates.0.averageStart: averageStart 9 is past the last epoch of "sgd" (8)'
    ])
    expect(problems([{ name: 'sgd', from: 'sgd', method: 'swa' }])).toEqual([
      'targets: model name "sgd" is used twice'
    ])
    expect(problems([{ name: 'x', from: 'sgd', method: 'swa', rho: 1 }])[0]).toMatch(
      /derivedSurrogates\.0.*rho/
    )
    expect(problems([{ name: 'x', from: 'sam', method: 'early-stopped' }])).toEqual([])
  })
})
