// @vitest-environment jsdom
import type { LineSeriesOption } from 'echarts/charts'
import { describe, expect, it } from 'vitest'
import { buildAccuracyOption, buildLossOption } from '../../../../../renderer/src/charts/training-curves-option'

const epoch = (n: number, loss: number, train: number, test: number) => ({
  epoch: n,
  loss,
  trainAccuracy: train,
  testAccuracy: test,
  lr: 0.1,
  seconds: 1
})

const curves = {
  sur: [epoch(1, 1.1, 0.62, 0.6), epoch(2, 0.7, 0.8, 0.75)],
  tgt: [epoch(1, 0.9, 0.71, 0.7)]
}

const seriesOf = (option: { series?: unknown }) => option.series as LineSeriesOption[]

describe('training curve options', () => {
  it('draws one loss line per model with [epoch, loss] points', () => {
    const series = seriesOf(buildLossOption(curves))
    expect(series.map((s) => s.name)).toEqual(['sur', 'tgt'])
    expect(series[0].data).toEqual([
      [1, 1.1],
      [2, 0.7]
    ])
  })

  it('draws test (solid) and train (dashed) accuracy per model in the same colour', () => {
    const series = seriesOf(buildAccuracyOption(curves))
    expect(series.map((s) => s.id)).toEqual(['sur:test', 'sur:train', 'tgt:test', 'tgt:train'])
    expect(series[0].data).toEqual([
      [1, 0.6],
      [2, 0.75]
    ])
    expect(series[1].data).toEqual([
      [1, 0.62],
      [2, 0.8]
    ])
    expect(series[1].lineStyle?.type).toBe('dashed')
    expect(series[0].itemStyle?.color).toBe(series[1].itemStyle?.color)
    expect(series[0].itemStyle?.color).not.toBe(series[2].itemStyle?.color)
  })

  it('starts the accuracy axis at the tenth below the lowest value', () => {
    const option = buildAccuracyOption(curves)
    expect((option.yAxis as { min: number; max: number }).min).toBe(0.6)
    expect((option.yAxis as { min: number; max: number }).max).toBe(1)
    expect((buildAccuracyOption({}).yAxis as { min: number }).min).toBe(0)
  })
})
