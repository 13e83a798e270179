import { describe, expect, it } from 'vitest'
import { AuditSpec } from '../../../../main/contract/audit-spec'
import { planAudit, taskInfos } from '../../../../main/engine/tasks/plan-audit'

const recipe = { epochs: 2, batchSize: 50, lr: 0.05 }

describe('planAudit', () => {
  it('plans trainings, one LGV collection per surrogate and recipe, evaluation and one attack per stack and surrogate', () => {
    const lgv = { lgv: { collect: { epochs: 1, perEpoch: 2, batchSize: 100 } } }
    const spec = AuditSpec.parse({
      seed: 7,
      dataset: { trainLimit: 400, testLimit: 60, validationSize: 100 },
      surrogates: [
        { name: 's1', arch: 'small-cnn', seed: 11, recipe, earlyStopping: true },
        { name: 's2', arch: 'small-cnn', seed: 12, recipe }
      ],
      targets: [{ name: 't', arch: 'small-cnn', seed: 2, recipe }],
      validation: { targets: [{ name: 'v', arch: 'small-cnn', seed: 3, recipe }] },
      attacks: [
        { eps: 0.1, steps: 2 },
        { eps: 0.1, steps: 2, stack: lgv, seed: 99 },
        { eps: 0.1, steps: 3, stack: { ...lgv, mi: { mu: 1 } } }
      ]
    })
    const tasks = planAudit(spec)
    expect(tasks.map((t) => t.id)).toEqual([
      'train-v',
      'train-s1',
      'train-s2',
      'train-t',
      'lgv-s1',
      'lgv-s2',
      'evaluate',
      'attack-1-s1',
      'attack-1-s2',
      'attack-2-s1',
      'attack-2-s2',
      'attack-3-s1',
      'attack-3-s2'
    ])
    const byId = Object.fromEntries(tasks.map((t) => [t.id, t]))
    // Only the surrogate scored on validation targets waits for them.
    expect(byId['train-s1'].deps).toEqual(['train-v'])
    expect(byId['train-s2'].deps).toEqual([])
    // Each task's seed: the model's, the stack's own, else the audit's.
    expect([
      byId['train-s1'].seed,
      byId['attack-1-s1'].seed,
      byId['attack-2-s1'].seed,
      byId['lgv-s1'].seed
    ]).toEqual([11, 7, 99, 7])
    // Both LGV stacks share one collection per surrogate.
    expect(byId['attack-2-s2'].deps).toEqual(['evaluate', 'train-s2', 'train-t', 'lgv-s2'])
    expect(byId['attack-3-s2'].params).toEqual({ stack: 2, surrogate: 's2', lgvTask: 'lgv-s2' })
    expect(byId.evaluate.deps).toEqual(['train-s1', 'train-s2', 'train-t'])
    expect(taskInfos(tasks).map((t) => t.kind)).toEqual([
      'train',
      'train',
      'train',
      'train',
      'train',
      'train',
      'evaluate',
      ...Array(6).fill('attack')
    ])
  })
})
