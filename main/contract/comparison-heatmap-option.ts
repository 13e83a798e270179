/**
 * The diverging heatmap of a comparison (run-comparison.ts), as one ECharts option shared by the
 * app's Compare view and the report's SVG: rows are stack · surrogate, columns targets, each cell
 * the change in transfer success in points (after − before). Blue is fewer successes (safer), red
 * more; the scale is symmetric around 0. A change beyond the ± 2 std spread is labelled with "*"
 * and drawn with a dark border; one within it is labelled in grey.
 */
import type { HeatmapSeriesOption } from 'echarts/charts'
import type { GridComponentOption, VisualMapComponentOption } from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { RunComparison } from './run-comparison'
import { signedPoints } from './signed-number'

export type ComparisonHeatmapOption = ComposeOption<
  HeatmapSeriesOption | GridComponentOption | VisualMapComponentOption
>

/** Blue (transfer fell) through white to red (transfer rose). */
export const DIVERGING_SCALE = ['#2b59c3', '#9db7e8', '#f6f7f9', '#f3a3a3', '#a5152a']

/** The colour scale's half-range in points: the largest change, at least 5, rounded up to 5. */
export function divergingRange(comparison: RunComparison): number {
  const largest = Math.max(5, ...comparison.cells.map((c) => Math.abs(c.change * 100)))
  return Math.ceil(largest / 5) * 5
}

export function comparisonHeatmapOption(
  comparison: RunComparison,
  font = 'Helvetica, Arial, sans-serif'
): ComparisonHeatmapOption {
  const rows = [...new Set(comparison.cells.map((c) => c.row))]
  const targets = [...new Set(comparison.cells.map((c) => c.target))]
  const range = divergingRange(comparison)
  const left = Math.min(220, 24 + Math.max(...rows.map((r) => r.length), 8) * 7)
  return {
    animation: false,
    textStyle: { fontFamily: font, color: '#1f2633' },
    grid: { left, right: 24, top: 24, bottom: 74 },
    xAxis: {
      type: 'category',
      data: targets,
      name: 'target',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: '#5b6474', fontSize: 11 },
      axisLabel: { color: '#1f2633', fontSize: 11, interval: 0, width: 140, overflow: 'truncate' },
      axisTick: { show: false },
      axisLine: { show: false }
    },
    yAxis: {
      type: 'category',
      data: rows,
      inverse: true,
      name: 'stack · surrogate',
      nameLocation: 'start',
      nameGap: 6,
      nameTextStyle: { color: '#5b6474', fontSize: 11, align: 'right', padding: [0, 8, 0, 0] },
      axisLabel: { color: '#1f2633', fontSize: 11, width: left - 16, overflow: 'truncate' },
      axisTick: { show: false },
      axisLine: { show: false }
    },
    visualMap: {
      type: 'continuous',
      min: -range,
      max: range,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemWidth: 10,
      itemHeight: 160,
      text: [`+${range} points (more transfer)`, `−${range} (less)`],
      textGap: 8,
      textStyle: { color: '#5b6474', fontSize: 10 },
      inRange: { color: DIVERGING_SCALE }
    },
    series: [
      {
        type: 'heatmap',
        data: comparison.cells.map((c) => {
          const points = c.change * 100
          return {
            value: [targets.indexOf(c.target), rows.indexOf(c.row), points],
            itemStyle: c.exceeds
              ? { borderColor: '#1f2633', borderWidth: 2 }
              : { borderColor: '#ffffff', borderWidth: 2 },
            label: {
              color: Math.abs(points) > 0.6 * range ? '#ffffff' : c.exceeds ? '#1f2633' : '#5b6474',
              formatter: `${signedPoints(c.change)}${c.exceeds ? ' *' : ''}\n± ${(c.spread * 100).toFixed(1)}`
            }
          }
        }),
        // lineHeight: the two lines (change, spread) otherwise overlap in ECharts' SVG renderer.
        label: { show: true, fontSize: 12, lineHeight: 16, fontWeight: 'bold' }
      }
    ]
  }
}

/** A size that fits the grid: 150 px per target, 60 px per row. */
export function comparisonHeatmapSize(comparison: RunComparison): {
  width: number
  height: number
} {
  const rows = new Set(comparison.cells.map((c) => c.row)).size
  const targets = new Set(comparison.cells.map((c) => c.target)).size
  return { width: Math.max(420, 260 + targets * 150), height: 118 + rows * 60 }
}
