/**
 * ECharts option for the surrogate × target heatmap of transfer success rates.
 *
 * Rows are surrogates (in spec order, first at the top), columns are targets; when the run queued
 * several attack stacks a row is a (stack, surrogate) pair, stacks in queue order. Every cell carries
 * its own label text ("47.3 %") so the number is readable without hovering, and the colour
 * scale is pinned to 0–100 % so two runs' heatmaps compare by eye.
 */
import type { HeatmapSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import { hasSeveralStacks, transferRowLabel } from '@contract/attack-queue'
import type { TransferCell } from '@contract/run-record'
import { formatCount, formatRate } from '../format/numbers'
import { chartTheme } from './echarts-setup'
import { escapeHtml } from './escape-html'

export type TransferHeatmapOption = ComposeOption<
  HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption
>

/** Low success (robust) is pale; high success (the attack transfers) is deep red. */
export const HEATMAP_COLORS = ['#f4f6f8', '#fde9b6', '#f8b04c', '#e5603b', '#b3261e'] as const

/** One heatmap datum: [target index, surrogate index, rate in %], with its label. */
export interface HeatmapDatum {
  value: [number, number, number]
  label: { formatter: string; color: string }
  cell: TransferCell
}

/**
 * Axis order: names as they first appear in the spec lists, then any extra names found in the cells.
 * `surrogates` are the row labels: with several stacks, "stack · surrogate" for each stack in cell
 * order and each of its surrogates in spec order.
 */
export function heatmapAxes(
  cells: readonly TransferCell[],
  surrogateOrder: readonly string[] = [],
  targetOrder: readonly string[] = []
): { surrogates: string[]; targets: string[] } {
  const unique = (names: readonly string[]): string[] => [...new Set(names)]
  const several = hasSeveralStacks(cells)
  const surrogateNames = unique([...surrogateOrder, ...cells.map((c) => c.surrogate)])
  const stacks = unique(cells.map((c) => c.attack ?? ''))
  const rows = stacks.flatMap((attack) =>
    surrogateNames.map((surrogate) => ({ attack: attack || undefined, surrogate }))
  )
  return {
    surrogates: unique(
      rows
        .filter((r) =>
          cells.some(
            (c) =>
              c.surrogate === r.surrogate && (!several || (c.attack ?? '') === (r.attack ?? ''))
          )
        )
        .map((r) => transferRowLabel(r, several))
    ),
    targets: unique([...targetOrder, ...cells.map((c) => c.target)]).filter((n) =>
      cells.some((c) => c.target === n)
    )
  }
}

export function heatmapData(
  cells: readonly TransferCell[],
  surrogates: string[],
  targets: string[]
): HeatmapDatum[] {
  const several = hasSeveralStacks(cells)
  return cells.map((cell) => {
    const percent = Math.round(cell.successRate * 1000) / 10
    return {
      value: [
        targets.indexOf(cell.target),
        surrogates.indexOf(transferRowLabel(cell, several)),
        percent
      ],
      // Dark text on pale cells, white on the deep end of the scale.
      label: {
        formatter: formatRate(cell.successRate),
        color: percent >= 55 ? '#ffffff' : chartTheme.text
      },
      cell
    }
  })
}

export function buildTransferHeatmapOption(
  cells: readonly TransferCell[],
  surrogateOrder: readonly string[] = [],
  targetOrder: readonly string[] = []
): TransferHeatmapOption {
  const { surrogates, targets } = heatmapAxes(cells, surrogateOrder, targetOrder)
  const several = hasSeveralStacks(cells)
  const axisLabel = { color: chartTheme.text, fontFamily: chartTheme.fontFamily, fontSize: 12 }
  const axisName = { color: chartTheme.muted, fontFamily: chartTheme.fontFamily, fontSize: 11 }
  return {
    textStyle: { fontFamily: chartTheme.fontFamily },
    animation: false,
    tooltip: {
      formatter: (params) => {
        const datum = (Array.isArray(params) ? params[0] : params)?.data as HeatmapDatum | undefined
        if (!datum?.cell) return ''
        const c = datum.cell
        const repeated = (c.repeats ?? 1) > 1
        const spread = repeated
          ? ` ± ${formatRate(2 * (c.std ?? 0))} (2 std over ${c.repeats} seeds)`
          : ''
        const counts = `${formatCount(c.fooled)} / ${formatCount(c.attacked)} fooled${repeated ? ' on the first seed' : ''}`
        return `${escapeHtml(transferRowLabel(c, several))} → ${escapeHtml(c.target)}<br/><b>${formatRate(c.successRate)}</b>${spread}<br/>${counts}`
      }
    },
    grid: {
      left: 8,
      right: 16,
      top: 8,
      bottom: 56,
      outerBoundsMode: 'same',
      outerBoundsContain: 'all'
    },
    xAxis: {
      type: 'category',
      data: targets,
      position: 'top',
      name: 'Target',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: axisName,
      axisLabel,
      axisTick: { show: false },
      axisLine: { show: false },
      splitArea: { show: false }
    },
    yAxis: {
      type: 'category',
      data: surrogates,
      inverse: true,
      name: several ? 'Stack · surrogate' : 'Surrogate',
      nameLocation: 'middle',
      nameRotate: 90,
      nameGap: 0,
      nameTextStyle: { ...axisName, padding: [0, 0, 0, 0] },
      axisLabel,
      axisTick: { show: false },
      axisLine: { show: false }
    },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: 100,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemWidth: 12,
      itemHeight: 180,
      text: ['100 %', '0 %'],
      formatter: (value) => `${Math.round(Number(value))} %`,
      textGap: 8,
      textStyle: { color: chartTheme.muted, fontSize: 11 },
      inRange: { color: [...HEATMAP_COLORS] }
    },
    series: [
      {
        type: 'heatmap',
        name: 'Transfer success rate',
        data: heatmapData(cells, surrogates, targets),
        label: { show: true, fontSize: 14, fontWeight: 600 },
        itemStyle: { borderColor: '#ffffff', borderWidth: 3, borderRadius: 4 },
        // The default emphasis repaints the cell pale, which reads as a different rate; keep the colour.
        emphasis: { disabled: true }
      }
    ]
  }
}
