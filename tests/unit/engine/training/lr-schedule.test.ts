import { describe, expect, it } from 'vitest'
import { LrSchedule, TrainingRecipe } from '../../../../main/contract/audit-spec'
import { learningRate } from '../../../../main/engine/training/lr-schedule'

describe('learningRate (training spec §1.4, oracle 3)', () => {
  it.each([
    [30, 0.1],
    [31, 0.01],
    [60, 0.01],
    [61, 0.001]
  ])('ImageNet step schedule: epoch %i → %f', (epoch, lr) => {
    expect(learningRate(0.1, { kind: 'step', every: 30, gamma: 0.1 }, epoch)).toBeCloseTo(lr, 10)
  })

  it('decays once at D = 25: epoch 25 → 0.1, 26 → 0.01, 150 → 0.01', () => {
    const single = LrSchedule.parse({ kind: 'single-decay', at: 25 })
    expect([25, 26, 150].map((e) => learningRate(0.1, single, e))).toEqual([
      0.1,
      0.1 * 0.1,
      0.1 * 0.1
    ])
  })

  it('decays after each multi-step epoch: [12, 18] of 24 is ÷10 at 50 % and 75 % of training', () => {
    const multi = LrSchedule.parse({ kind: 'multi-step', at: [12, 18] })
    expect([1, 12, 13, 18, 19, 24].map((e) => learningRate(0.1, multi, e))).toEqual([
      0.1,
      0.1,
      0.1 * 0.1,
      0.1 * 0.1,
      0.1 * 0.1 * 0.1,
      0.1 * 0.1 * 0.1
    ])
    const unordered = LrSchedule.safeParse({ kind: 'multi-step', at: [18, 12] })
    expect(unordered.error!.issues[0]).toMatchObject({
      path: ['at'],
      message: 'the decay epochs must increase'
    })
  })

  it('keeps a constant LR', () => {
    expect([1, 75, 150].map((e) => learningRate(0.1, { kind: 'constant' }, e))).toEqual([
      0.1, 0.1, 0.1
    ])
  })

  it('runs a cosine from the initial LR to minLr, and needs the epoch count', () => {
    const cosine = LrSchedule.parse({ kind: 'cosine', minLr: 0.001 })
    expect(learningRate(0.1, cosine, 1, 11)).toBeCloseTo(0.1, 10)
    expect(learningRate(0.1, cosine, 6, 11)).toBeCloseTo((0.1 + 0.001) / 2, 10)
    expect(learningRate(0.1, cosine, 11, 11)).toBeCloseTo(0.001, 10)
    expect(() => learningRate(0.1, cosine, 1)).toThrow(/cosine.*total number of epochs/)
  })

  it('keeps the existing step shape valid and names an unknown kind', () => {
    expect(TrainingRecipe.parse({ lrSchedule: { kind: 'step', every: 10 } }).lrSchedule).toEqual({
      kind: 'step',
      every: 10,
      gamma: 0.1
    })
    const bad = TrainingRecipe.safeParse({ lrSchedule: { kind: 'linear' } })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0].path).toEqual(['lrSchedule', 'kind'])
    expect(bad.error!.issues[0].message).toMatch(/unknown LR schedule kind.*single-decay/)
    const missing = TrainingRecipe.safeParse({ lrSchedule: { kind: 'single-decay' } })
    expect(missing.error!.issues[0].path).toEqual(['lrSchedule', 'at'])
  })
})
