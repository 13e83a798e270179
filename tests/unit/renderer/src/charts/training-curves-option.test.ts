// @vitest-environment jsdom
import type { LineSeriesOption } from 'echarts/charts'
import { describe, expect, it } from 'vitest'
import {
  buildAccuracyOption,
  buildLossOption
} from '../../../../../renderer/src/charts/training-curves-option'

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

describe('training curve tooltips', () => {
  type Formatter = (params: unknown) => string
  const formatterOf = (option: { tooltip?: unknown }) =>
    (option.tooltip as { formatter: Formatter }).formatter

  it('names the epoch, the model and the split, and escapes model names', () => {
    const text = formatterOf(buildAccuracyOption(curves))([
      { seriesName: '<b>sur</b>', seriesId: 'sur:test', value: [2, 0.75], marker: '' },
      { seriesName: '<b>sur</b>', seriesId: 'sur:train', value: [2, 0.8], marker: '' }
    ])
    const name = '&#60;b&#62;sur&#60;/b&#62;'
    expect(text).toBe(`epoch 2<br/>${name} · test <b>75.0 %</b><br/>${name} · train <b>80.0 %</b>`)
  })

  it('shows loss to four decimals', () => {
    const text = formatterOf(buildLossOption(curves))([
      { seriesName: 'tgt', value: [1, 0.91234], marker: '' }
    ])
    expect(text).toBe('epoch 1<br/>tgt · 0.9123')
  })
})
