import { describe, expect, it } from 'vitest'
import {
  selectEarlyStopEpoch,
  type ValidationSuccess
} from '../../../../main/engine/training/early-stopping'

const targets = { role: 'validation' as const, items: ['vgg', 'dense', 'mixer'] }

describe('selectEarlyStopEpoch (training spec §3, oracle 38)', () => {
  it('returns the argmax of the row means, earliest on ties, with cost e*/E', () => {
    const matrix: ValidationSuccess = {
      role: 'validation',
      epochs: [52, 53, 54, 55],
      targets,
      success: [
        [0.6, 0.7, 0.5],
        [0.7, 0.7, 0.7],
        [0.9, 0.6, 0.6], // same mean as epoch 53: the earlier epoch wins
        [0.5, 0.5, 0.5]
      ]
    }
    expect(selectEarlyStopEpoch(matrix, 150)).toEqual({
      epoch: 53,
      meanSuccess: expect.closeTo(0.7, 10),
      relativeCost: 53 / 150
    })
    // Row order does not matter: ties still go to the earliest epoch.
    const reversed = {
      ...matrix,
      epochs: [...matrix.epochs].reverse(),
      success: [...matrix.success].reverse()
    }
    expect(selectEarlyStopEpoch(reversed, 150).epoch).toBe(53)
  })

  it('accepts only validation-tagged data (the types keep test targets out)', () => {
    const testTargets = { role: 'test' as const, items: ['resnet'] }
    const bad: ValidationSuccess = {
      role: 'validation',
      epochs: [1],
      // @ts-expect-error: a test target set cannot be used for selection
      targets: testTargets,
      success: [[0.5]]
    }
    expect(bad.targets.role).toBe('test')
    const onTest: ValidationSuccess = {
      // @ts-expect-error: nor can a matrix measured on test examples
      role: 'test',
      epochs: [1],
      targets,
      success: [[0.5, 0.5, 0.5]]
    }
    expect(onTest.role).toBe('test')
  })

  it('names a malformed matrix', () => {
    expect(() =>
      selectEarlyStopEpoch(
        { role: 'validation', epochs: [1, 2], targets, success: [[0.1, 0.2, 0.3]] },
        10
      )
    ).toThrow(/expected 2 rows of 3/)
    expect(() =>
      selectEarlyStopEpoch({ role: 'validation', epochs: [], targets, success: [] }, 10)
    ).toThrow(/no checkpoint/)
  })
})
