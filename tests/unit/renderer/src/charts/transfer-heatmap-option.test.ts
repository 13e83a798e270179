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
  const cells = [
    cell('s2', 't1', 0.9),
    cell('s1', 't2', 0.05),
    cell('s1', 't1', 0.473),
    cell('s2', 't2', 0.5)
  ]

  it('orders axes as the spec lists them, not as the cells arrive', () => {
    expect(heatmapAxes(cells, ['s1', 's2'], ['t1', 't2'])).toEqual({
      surrogates: ['s1', 's2'],
      targets: ['t1', 't2']
    })
    // Without a spec order: first appearance; names in the spec with no cell are dropped.
    expect(heatmapAxes(cells, ['ghost'])).toEqual({
      surrogates: ['s2', 's1'],
      targets: ['t1', 't2']
    })
  })

  it('places every cell at [target, surrogate] with its percentage label and a 0–100 % scale', () => {
    const option = buildTransferHeatmapOption(cells, ['s1', 's2'], ['t1', 't2'])
    const series = (Array.isArray(option.series) ? option.series[0] : option.series) as {
      data: HeatmapDatum[]
    }
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
    const series = (Array.isArray(option.series) ? option.series[0] : option.series) as {
      data: HeatmapDatum[]
    }
    const colors = Object.fromEntries(series.data.map((d) => [d.label.formatter, d.label.color]))
    expect(colors['90.0 %']).toBe('#ffffff')
    expect(colors['5.0 %']).not.toBe('#ffffff')
  })
})

describe('buildTransferHeatmapOption with an attack queue', () => {
  const queued = (
    attack: string,
    surrogate: string,
    target: string,
    successRate: number,
    std = 0
  ): TransferCell => ({
    ...cell(surrogate, target, successRate),
    attack,
    mean: successRate,
    std,
    repeats: std > 0 ? 3 : 1
  })
  const cells = [
    queued('BIM', 's1', 't1', 0.2),
    queued('BIM', 's1', 't2', 0.3),
    queued('BIM', 's2', 't1', 0.25),
    queued('BIM', 's2', 't2', 0.35),
    queued('BIM + DI + MI', 's1', 't1', 0.6, 0.02),
    queued('BIM + DI + MI', 's1', 't2', 0.7, 0.01)
  ]
  const seriesOf = (option: ReturnType<typeof buildTransferHeatmapOption>) =>
    (Array.isArray(option.series) ? option.series[0] : option.series) as { data: HeatmapDatum[] }

  it('has one row per (stack, surrogate): stacks in queue order, surrogates in spec order', () => {
    const option = buildTransferHeatmapOption(cells, ['s2', 's1'], ['t1', 't2'])
    const rows = ['BIM · s2', 'BIM · s1', 'BIM + DI + MI · s1']
    expect((option.yAxis as { data: string[]; name: string }).data).toEqual(rows)
    expect((option.yAxis as { name: string }).name).toBe('Stack · surrogate')
    const at = Object.fromEntries(
      seriesOf(option).data.map((d) => [
        `${d.cell.attack}|${d.cell.surrogate}|${d.cell.target}`,
        d.value
      ])
    )
    expect(at['BIM + DI + MI|s1|t2']).toEqual([1, 2, 70])
    expect(at['BIM|s2|t1']).toEqual([0, 0, 25])
  })

  it('keeps mean ± 2 std and the denominator in the tooltip', () => {
    const option = buildTransferHeatmapOption(cells)
    const datum = seriesOf(option).data.find(
      (d) => d.cell.attack === 'BIM + DI + MI' && d.cell.target === 't1'
    )!
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter
    const text = formatter({ data: datum })
    expect(text).toContain('BIM + DI + MI · s1 → t1')
    expect(text).toContain('60.0 %')
    expect(text).toContain('± 4.0 %')
    expect(text).toContain('/ 200 fooled')
  })

  it('looks as before for a one-stack run, labelled or not', () => {
    const one = [queued('BIM', 's1', 't1', 0.2), queued('BIM', 's2', 't1', 0.3)]
    const option = buildTransferHeatmapOption(one, ['s1', 's2'])
    expect((option.yAxis as { data: string[]; name: string }).data).toEqual(['s1', 's2'])
    expect((option.yAxis as { name: string }).name).toBe('Surrogate')
  })
})
