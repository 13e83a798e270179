import { describe, expect, it } from 'vitest'
import {
  bandEdges,
  studySharpnessOption,
  studyTransferOption
} from '../../../main/contract/study-charts'
import type { SeedStat, StudyCurve } from '../../../main/contract/study-record'

const stat = (values: number[]): SeedStat => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))
  return { mean, std, values }
}

// One seed far sharper than the others: mean − 2 std is below zero.
const curve: StudyCurve = {
  surrogate: 'small-cnn',
  decays: [1],
  points: [
    {
      epoch: 1,
      lr: 0.1,
      transfer: stat([0.02, 0.04, 0.3]),
      maxEigenvalue: stat([2, 3, 60]),
      trace: stat([40, 50, 900])
    },
    {
      epoch: 2,
      lr: 0.01,
      transfer: stat([0.5, 0.6, 0.98]),
      maxEigenvalue: stat([5, 6, 7]),
      trace: stat([90, 95, 99])
    }
  ]
}

/** Lower and upper edge per epoch of a band, read back from the stacked series (low + height). */
function band(option: ReturnType<typeof studySharpnessOption>, name: string): [number, number][] {
  const series = option.series as { name: string; data: [number, number][] }[]
  const low = series.find((s) => s.name === `${name} band low`)!.data
  const height = series.find((s) => s.name === `${name} band`)!.data
  return low.map(([, l], i) => [l, l + height[i][1]])
}

describe('study figures: the band stays within what the seeds can say', () => {
  it('draws sharpness from the lowest to the highest seed, never below zero', () => {
    expect(stat([2, 3, 60]).mean - 2 * stat([2, 3, 60]).std).toBeLessThan(0)
    expect(bandEdges('maxEigenvalue', stat([2, 3, 60]))).toEqual([2, 60])
    const option = studySharpnessOption(curve)
    expect(band(option, 'λmax')).toEqual([
      [2, 60],
      [5, 7]
    ])
    expect(band(option, 'trace')[0]).toEqual([40, 900])
  })

  it('draws transfer as ± 2 std cut to 0–100 %', () => {
    const [[low1, high1], [low2, high2]] = band(studyTransferOption(curve), 'transfer (%)')
    expect(low1).toBe(0)
    expect(high1).toBeCloseTo(
      (stat([0.02, 0.04, 0.3]).mean + 2 * stat([0.02, 0.04, 0.3]).std) * 100
    )
    expect(low2).toBeCloseTo((stat([0.5, 0.6, 0.98]).mean - 2 * stat([0.5, 0.6, 0.98]).std) * 100)
    expect(high2).toBe(100)
  })
})
