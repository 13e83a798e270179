// @vitest-environment jsdom
import type { LineSeriesOption } from 'echarts/charts'
import { describe, expect, it } from 'vitest'
import {
  buildTransferSharpnessOption,
  hasProbeCurves
} from '../../../../../renderer/src/charts/transfer-sharpness-option'

const epoch = (n: number, probes: { rate?: number; lambda?: number; trace?: number } = {}) => ({
  epoch: n,
  loss: 1,
  trainAccuracy: 0.5,
  testAccuracy: 0.5,
  lr: 0.1,
  seconds: 1,
  ...(probes.rate === undefined
    ? {}
    : {
        validationTransfer: {
          rate: probes.rate,
          fooled: Math.round(probes.rate * 200),
          attacked: 200
        }
      }),
  ...(probes.lambda === undefined
    ? {}
    : { sharpness: { maxEigenvalue: probes.lambda, trace: probes.trace ?? 0 } })
})

const curves = {
  sur: [
    epoch(1, { rate: 0.3, lambda: 40, trace: 900 }),
    epoch(2, { rate: 0.45, lambda: 12, trace: 300 }),
    epoch(3, { rate: 0.4, lambda: 15, trace: 350 })
  ],
  tgt: [epoch(1), epoch(2)]
}
const seriesOf = (option: { series?: unknown }) => option.series as LineSeriesOption[]

describe('transfer and sharpness option (Figure 5)', () => {
  it('draws transfer on the left axis and λmax and trace on the right, for models that track them only', () => {
    const series = seriesOf(buildTransferSharpnessOption(curves))
    expect(series.map((s) => s.id)).toEqual(['sur:transfer', 'sur:lambda', 'sur:trace'])
    expect(series.map((s) => s.yAxisIndex)).toEqual([0, 1, 1])
    expect(series[0].data).toEqual([
      [1, 0.3],
      [2, 0.45],
      [3, 0.4]
    ])
    expect(series[1].data).toEqual([
      [1, 40],
      [2, 12],
      [3, 15]
    ])
    expect(series[2].data).toEqual([
      [1, 900],
      [2, 300],
      [3, 350]
    ])
    expect([series[1].lineStyle?.type, series[2].lineStyle?.type]).toEqual(['dashed', 'dotted'])
  })

  it('marks the chosen epoch on the transfer curve', () => {
    const series = seriesOf(buildTransferSharpnessOption(curves, { sur: 2 }))
    const markLine = series[0].markLine as {
      data: { xAxis: number }[]
      label: { formatter: string }
    }
    expect(markLine.data).toEqual([{ xAxis: 2 }])
    expect(markLine.label.formatter).toBe('chosen: epoch 2')
    expect(seriesOf(buildTransferSharpnessOption(curves)).some((s) => s.markLine)).toBe(false)
  })

  it('uses a log sharpness axis when every value is positive, linear when FD noise made one negative', () => {
    const axes = (c: typeof curves) => buildTransferSharpnessOption(c).yAxis as { type: string }[]
    expect(axes(curves)[1].type).toBe('log')
    const noisy = { sur: [epoch(1, { rate: 0.3, lambda: 5, trace: -2 })], tgt: [] }
    expect(axes(noisy)[1].type).toBe('value')
  })

  it('says whether there is anything to draw', () => {
    expect(hasProbeCurves(curves)).toBe(true)
    expect(hasProbeCurves({ tgt: [epoch(1)] })).toBe(false)
  })

  it('tooltips give the validation count and the sharpness values', () => {
    const option = buildTransferSharpnessOption(curves)
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const text = formatter([
      { seriesId: 'sur:transfer', value: [2, 0.45], marker: '' },
      { seriesId: 'sur:lambda', value: [2, 12], marker: '' }
    ])
    expect(text).toBe(
      'epoch 2<br/>sur · validation transfer <b>45.0 %</b> (90/200)<br/>sur · λmax <b>12.00</b>'
    )
  })
})
