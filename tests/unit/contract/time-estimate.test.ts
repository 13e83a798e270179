import { describe, expect, it } from 'vitest'
import { AttackStack } from '../../../main/contract/attack-stack'
import { AuditSpec, type ModelSpec } from '../../../main/contract/audit-spec'
import {
  attackPasses,
  EMBEDDED_DATASET,
  estimateAuditTime,
  formatDuration,
  knownDatasetSize,
  trainingPasses
} from '../../../main/contract/time-estimate'

const spec = (overrides: Record<string, unknown> = {}) =>
  AuditSpec.parse({
    name: 'estimate',
    dataset: { source: 'embedded', trainLimit: 4000 },
    surrogates: [{ name: 'sgd', arch: 'small-cnn', recipe: { epochs: 8, batchSize: 64 } }],
    targets: [{ name: 't', arch: 'small-resnet', recipe: { epochs: 4, batchSize: 64 } }],
    attack: { steps: 50, maxExamples: 500 },
    ...overrides
  })

describe('knownDatasetSize', () => {
  it('gives the embedded subset limited by trainLimit/testLimit and minus the validation split; null for files on disk', () => {
    expect(
      knownDatasetSize({ source: 'embedded', trainLimit: 0, testLimit: 0, validationSize: 0 })
    ).toMatchObject({ train: 6000, test: 1000 })
    expect(
      knownDatasetSize({
        source: 'embedded',
        trainLimit: 4000,
        testLimit: 300,
        validationSize: 500
      })
    ).toMatchObject({ train: 3500, test: 300 })
    expect(
      knownDatasetSize({ source: 'embedded', trainLimit: 9000, testLimit: 0, validationSize: 0 })
        ?.train
    ).toBe(EMBEDDED_DATASET.train)
    expect(
      knownDatasetSize({ source: 'cifar-binary', trainLimit: 0, testLimit: 0, validationSize: 0 })
    ).toBeNull()
  })
})

describe('estimateAuditTime', () => {
  it('is relativeCost × epochs × images ÷ train throughput, and examples × steps × passes × repeats ÷ gradient throughput', () => {
    const s = spec({
      surrogates: [
        {
          name: 'lsam',
          arch: 'small-cnn',
          recipe: { epochs: 8, batchSize: 64, minimizer: { id: 'sam', rho: 0.3 } }
        }
      ],
      attack: { steps: 50, maxExamples: 500, repeats: 3, stack: { si: { copies: 5 }, di: {} } }
    })
    const size = knownDatasetSize(s.dataset)!
    const est = estimateAuditTime(
      { dataset: size, surrogates: s.surrogates, targets: s.targets, attack: s.attack },
      (role) =>
        role === 'surrogate'
          ? { trainImagesPerSecond: 400, gradientsPerSecond: 1000 }
          : { trainImagesPerSecond: 200, gradientsPerSecond: 500 }
    )
    const [sur, tgt] = est.models
    expect(sur.trainPasses).toBe(2 * 8 * 4000)
    expect(sur.trainSeconds).toBeCloseTo((2 * 8 * 4000) / 400, 9)
    expect(est.examples).toBe(500)
    // SI × 5 passes per iteration, 50 steps, DI is randomised so all 3 repeats run.
    expect(sur.attackPasses).toBe(500 * 50 * 5 * 3)
    expect(sur.attackSeconds).toBeCloseTo((500 * 50 * 5 * 3) / 1000, 9)
    expect(tgt.trainSeconds).toBeCloseTo((4 * 4000) / 200, 9)
    expect(tgt.attackSeconds).toBeUndefined()
    expect(est.totalSeconds).toBeCloseTo(
      sur.trainSeconds! + sur.attackSeconds! + tgt.trainSeconds!,
      9
    )
  })

  it('runs a deterministic stack once whatever the repeats, counts RAP from its late start, and LGV collection once per surrogate', () => {
    const plain = { steps: 20, maxExamples: 100, repeats: 3, stack: AttackStack.parse({ mi: {} }) }
    expect(attackPasses(plain, 100)).toBe(100 * 20)
    const rap = { ...plain, stack: AttackStack.parse({ rap: { lateStart: 10, innerSteps: 5 } }) }
    expect(attackPasses(rap, 100)).toBe(100 * (20 + 10 * 5) * 3)
    const s = spec({
      attack: { steps: 10, maxExamples: 5000, stack: { lgv: { collect: { epochs: 3 } } } }
    })
    const est = estimateAuditTime(
      {
        dataset: knownDatasetSize(s.dataset)!,
        surrogates: s.surrogates,
        targets: s.targets,
        attack: s.attack
      },
      () => ({
        trainImagesPerSecond: 100,
        gradientsPerSecond: 100
      })
    )
    expect(est.examples).toBe(1000)
    expect(est.models[0].lgvPasses).toBe(3 * 4000)
    expect(est.models[0].lgvSeconds).toBeCloseTo(120, 9)
    expect(est.models[1].lgvPasses).toBeUndefined()
  })

  it('sums a queue per surrogate over the stacks that attack from it, collecting LGV once per surrogate and settings, not where folders are given', () => {
    const s = spec({
      surrogates: [
        { name: 'a', arch: 'small-cnn' },
        { name: 'b', arch: 'small-cnn' }
      ]
    })
    const base = { steps: 10, maxExamples: 100, repeats: 2 }
    const collect = { epochs: 2, perEpoch: 4, lr: 0.05, batchSize: 256 }
    const attacks = [
      { ...base, stack: AttackStack.parse({}) },
      { ...base, stack: AttackStack.parse({ lgv: { collect } }), surrogates: ['a'] },
      {
        ...base,
        stack: AttackStack.parse({
          lgv: { collect, sources: [{ surrogate: 'b', dirs: ['/m'] }] },
          di: {}
        })
      }
    ]
    const est = estimateAuditTime(
      {
        dataset: knownDatasetSize(s.dataset)!,
        surrogates: s.surrogates,
        targets: [],
        attack: attacks[0],
        attacks
      },
      () => ({
        trainImagesPerSecond: 10,
        gradientsPerSecond: 10
      })
    )
    const [a, b] = est.models
    expect(a.attackPasses).toBe(100 * 10 * (1 + 2 + 2))
    expect(b.attackPasses).toBe(100 * 10 * (1 + 2))
    expect(a.lgvPasses).toBe(2 * 4000)
    expect(b.lgvPasses).toBeUndefined()
  })

  it('has no total while a throughput is missing, and counts LookSAM by its exact steps per epoch', () => {
    const s = spec()
    const est = estimateAuditTime(
      {
        dataset: knownDatasetSize(s.dataset)!,
        surrogates: s.surrogates,
        targets: s.targets,
        attack: s.attack
      },
      (role) =>
        role === 'surrogate' ? { trainImagesPerSecond: 100, gradientsPerSecond: 100 } : undefined
    )
    expect(est.models[0].trainSeconds).toBeCloseTo(320, 9)
    expect(est.models[1].trainSeconds).toBeNull()
    expect(est.totalSeconds).toBeNull()
    const look = spec({
      surrogates: [
        {
          name: 'l',
          arch: 'small-cnn',
          recipe: {
            epochs: 4,
            batchSize: 1000,
            minimizer: { id: 'looksam', k: 5, warmupEpochs: 1 }
          }
        }
      ]
    })
    // 4 steps per epoch: warm-up epoch 2·4 passes, then 4 + ceil(4/5) = 5 per epoch → (8 + 15) / 16 of SGD.
    expect(trainingPasses(look.surrogates[0] as ModelSpec, 4000)).toBeCloseTo(
      ((8 + 3 * 5) / 16) * 4 * 4000,
      6
    )
  })
})

describe('formatDuration', () => {
  it('rounds to what an estimate is worth', () => {
    expect(formatDuration(0.3)).toBe('< 1 s')
    expect(formatDuration(42.4)).toBe('≈ 42 s')
    expect(formatDuration(210)).toBe('≈ 3.5 min')
    expect(formatDuration(7560)).toBe('≈ 2.1 h')
    expect(formatDuration(Number.NaN)).toBe('?')
  })
})
