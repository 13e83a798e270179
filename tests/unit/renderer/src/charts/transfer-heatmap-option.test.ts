// @vitest-environment jsdom
import type { TransferCell } from '@contract/run-record'
import { describe, expect, it } from 'vitest'
import {
  buildTransferHeatmapOption,
  heatmapAxes,
  type HeatmapDatum
} from '../../../../../renderer/src/charts/transfer-heatmap-option'

const cell = (surrogate: string, target: string, successRate: number): TransferCell => ({
  surrogate,
  target,
  successRate,
  fooled: Math.round(successRate * 200),
  attacked: 200
})

describe('buildTransferHeatmapOption', () => {
  const cells = [cell('s2', 't1', 0.9), cell('s1', 't2', 0.05), cell('s1', 't1', 0.473), cell('s2', 't2', 0.5)]

  it('orders axes as the spec lists them, not as the cells arrive', () => {
    expect(heatmapAxes(cells, ['s1', 's2'], ['t1', 't2'])).toEqual({ surrogates: ['s1', 's2'], targets: ['t1', 't2'] })
    // Without a spec order: first appearance; names in the spec with no cell are dropped.
    expect(heatmapAxes(cells, ['ghost'])).toEqual({ surrogates: ['s2', 's1'], targets: ['t1', 't2'] })
  })

  it('places every cell at [target, surrogate] with its percentage label and a 0–100 % scale', () => {
    const option = buildTransferHeatmapOption(cells, ['s1', 's2'], ['t1', 't2'])
    const series = (Array.isArray(option.series) ? option.series[0] : option.series) as { data: HeatmapDatum[] }
    const byLabel = Object.fromEntries(series.data.map((d) => [d.label.formatter, d.value]))
    expect(byLabel).toEqual({
      '90.0 %': [0, 1, 90],
      '5.0 %': [1, 0, 5],
      '47.3 %': [0, 0, 47.3],
      '50.0 %': [1, 1, 50]
    })
    const visualMap = option.visualMap as { min: number; max: number }
    expect([visualMap.min, visualMap.max]).toEqual([0, 100])
  })

  it('uses white labels only on the dark end of the scale', () => {
    const option = buildTransferHeatmapOption(cells)
    const series = (Array.isArray(option.series) ? option.series[0] : option.series) as { data: HeatmapDatum[] }
    const colors = Object.fromEntries(series.data.map((d) => [d.label.formatter, d.label.color]))
    expect(colors['90.0 %']).toBe('#ffffff')
    expect(colors['5.0 %']).not.toBe('#ffffff')
  })
})
