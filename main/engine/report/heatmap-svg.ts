/**
 * Report charts as SVG strings, drawn by ECharts' server-side renderer.
 *
 * The report is a standalone document without scripts, so the charts are rendered here, in Node,
 * and inlined as `<svg>`. ECharts' SSR mode needs no DOM and no canvas; text widths are estimated.
 * The same option shapes as the renderer's live charts keep the report and the app looking alike.
 */
import * as echarts from 'echarts/core'
import {
  HeatmapChart,
  LineChart,
  type HeatmapSeriesOption,
  type LineSeriesOption
} from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TitleComponentOption,
  type VisualMapComponentOption
} from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'
import { hasSeveralStacks, transferRowLabel } from '../../contract/attack-queue'
import type { ModelResult, TransferCell } from '../../contract/run-record'

echarts.use([
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer
])

type HeatmapOption = echarts.ComposeOption<
  HeatmapSeriesOption | GridComponentOption | VisualMapComponentOption
>
type CurvesOption = echarts.ComposeOption<
  LineSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption
>

export interface SvgSize {
  width?: number
  height?: number
}

// No quotes: ECharts writes this into a double-quoted style attribute without escaping it.
const FONT = 'Helvetica, Arial, Liberation Sans, sans-serif'
const INK = '#1f2633'
const MUTED = '#5b6474'
const RULE = '#d5d9e0'
/** Light (nothing transfers) to dark red (everything transfers): for an auditor, red is exposure. */
const SCALE = ['#f6f7f9', '#fde0c5', '#f9a474', '#e4573c', '#a5152a']
/** Above this rate the cell is dark enough to need a white label. */
const DARK_CELL_PERCENT = 62
const LINE_COLOURS = [
  '#2b59c3',
  '#d1495b',
  '#2a9d8f',
  '#e9a03b',
  '#6c4ab6',
  '#5f6b7a',
  '#0f8b8d',
  '#b5651d'
]

/** Formats a rate in [0,1] as the report prints it everywhere: one decimal and a spaced percent sign. */
export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)} %`
}

/**
 * Renders the surrogate × target transfer success rates as an SVG heatmap.
 *
 * Surrogates run down the y axis (in first-seen order, first at the top) and targets along the x
 * axis; with several queued stacks a row is a (stack, surrogate) pair, "BIM + MI · surrogate".
 * Every cell carries its rate as "47.3 %" (and "± 2 std" over seeds when repeated); the colour
 * scale is fixed to 0–100 % so two reports can be compared by eye. Throws if there is nothing to
 * draw or a cell is malformed.
 */
export function renderTransferHeatmapSvg(cells: TransferCell[], options: SvgSize = {}): string {
  if (cells.length === 0)
    throw new Error(
      'Error in renderTransferHeatmapSvg: no transfer cells to draw; the run has no transfer results'
    )
  const several = hasSeveralStacks(cells)
  const rowOf = (cell: TransferCell): string => transferRowLabel(cell, several)
  const seen = new Set<string>()
  cells.forEach((cell, i) => {
    if (!Number.isFinite(cell.successRate) || cell.successRate < 0 || cell.successRate > 1)
      throw new Error(
        `Error in renderTransferHeatmapSvg: cells[${i}] (${cell.surrogate} → ${cell.target}) has successRate ` +
          `${cell.successRate}; expected a fraction in [0, 1]`
      )
    const key = JSON.stringify([rowOf(cell), cell.target])
    if (seen.has(key))
      throw new Error(
        `Error in renderTransferHeatmapSvg: cells[${i}] repeats the pair ${rowOf(cell)} → ${cell.target}; ` +
          'each surrogate/target pair must appear once'
      )
    seen.add(key)
  })

  const surrogates = unique(cells.map(rowOf))
  const targets = unique(cells.map((c) => c.target))
  const longestSurrogate = Math.max(...surrogates.map((s) => s.length))
  const left = Math.min(220, 24 + longestSurrogate * 7)
  const width = checkSize('width', options.width ?? Math.max(360, left + 40 + targets.length * 150))
  const height = checkSize(
    'height',
    options.height ?? 118 + surrogates.length * (several ? 44 : 60)
  )

  const data: NonNullable<HeatmapSeriesOption['data']> = cells.map((cell) => {
    const percent = cell.successRate * 100
    return {
      value: [targets.indexOf(cell.target), surrogates.indexOf(rowOf(cell)), percent],
      label: {
        color: percent >= DARK_CELL_PERCENT ? '#ffffff' : INK,
        formatter: `${percent.toFixed(1)} %${(cell.repeats ?? 1) > 1 ? `\n± ${(2 * (cell.std ?? 0) * 100).toFixed(1)}` : ''}`
      }
    }
  })
  const option: HeatmapOption = {
    animation: false,
    textStyle: { fontFamily: FONT, color: INK },
    grid: { left, right: 24, top: 24, bottom: 74 },
    xAxis: {
      type: 'category',
      data: targets,
      name: 'target (black-box)',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: MUTED, fontSize: 11 },
      // Long names are cut with an ellipsis; the table under the heatmap prints them in full.
      axisLabel: { color: INK, fontSize: 11, interval: 0, width: 140, overflow: 'truncate' },
      axisTick: { show: false },
      axisLine: { show: false },
      splitArea: { show: false }
    },
    yAxis: {
      type: 'category',
      data: surrogates,
      inverse: true,
      // Inverse axis: 'start' is the top, so the name sits above the first surrogate like a column header.
      name: several ? 'stack · surrogate' : 'surrogate',
      nameLocation: 'start',
      nameGap: 6,
      nameTextStyle: { color: MUTED, fontSize: 11, align: 'right', padding: [0, 8, 0, 0] },
      axisLabel: { color: INK, fontSize: 11, width: left - 16, overflow: 'truncate' },
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
      itemWidth: 10,
      itemHeight: 160,
      text: ['100 %', '0 %'],
      textGap: 8,
      textStyle: { color: MUTED, fontSize: 10 },
      inRange: { color: SCALE }
    },
    series: [
      {
        type: 'heatmap',
        data,
        itemStyle: { borderColor: '#ffffff', borderWidth: 2 },
        label: {
          show: true,
          fontSize: 12,
          fontWeight: 'bold',
          formatter: (params) => `${percentValue(params.value).toFixed(1)} %`
        }
      }
    ]
  }
  return renderSvg(option, width, height)
}

/**
 * Renders per-epoch training loss and test accuracy, one line per model, as one small SVG.
 *
 * Two panels side by side share the legend; surrogates are dashed so they stand apart from the
 * targets. Models without recorded epochs are left out; throws if no model has any.
 */
export function renderTrainingCurvesSvg(models: ModelResult[], options: SvgSize = {}): string {
  const drawn = models.filter((m) => m.epochs.length > 0)
  if (drawn.length === 0)
    throw new Error(
      'Error in renderTrainingCurvesSvg: no model has recorded epochs; nothing to draw'
    )
  const width = checkSize('width', options.width ?? 680)
  const height = checkSize('height', options.height ?? 250)
  const series: LineSeriesOption[] = []
  drawn.forEach((model, i) => {
    const colour = LINE_COLOURS[i % LINE_COLOURS.length]
    const lineStyle = {
      width: 1.6,
      type: model.role === 'surrogate' ? ('dashed' as const) : ('solid' as const)
    }
    const common = {
      type: 'line' as const,
      name: model.name,
      color: colour,
      symbolSize: 4,
      lineStyle
    }
    series.push({
      ...common,
      xAxisIndex: 0,
      yAxisIndex: 0,
      data: model.epochs.map((e) => [e.epoch, e.loss])
    })
    series.push({
      ...common,
      xAxisIndex: 1,
      yAxisIndex: 1,
      data: model.epochs.map((e) => [e.epoch, e.testAccuracy * 100])
    })
  })
  const axis = {
    axisLabel: { color: MUTED, fontSize: 10 },
    axisLine: { lineStyle: { color: RULE } },
    splitLine: { lineStyle: { color: '#eef0f3' } },
    nameTextStyle: { color: MUTED, fontSize: 10 }
  }
  const xAxis = {
    ...axis,
    type: 'value' as const,
    minInterval: 1,
    name: 'epoch',
    nameLocation: 'middle' as const,
    nameGap: 20
  }
  const option: CurvesOption = {
    animation: false,
    textStyle: { fontFamily: FONT, color: INK },
    title: [
      {
        text: 'Training loss',
        left: '6%',
        top: 30,
        textStyle: { fontSize: 11, fontWeight: 'bold', color: INK }
      },
      {
        text: 'Test accuracy (%)',
        left: '57%',
        top: 30,
        textStyle: { fontSize: 11, fontWeight: 'bold', color: INK }
      }
    ],
    legend: {
      top: 0,
      left: 'center',
      itemWidth: 18,
      itemHeight: 8,
      textStyle: { fontSize: 10, color: INK }
    },
    grid: [
      { left: '7%', width: '39%', top: 58, bottom: 34 },
      { left: '58%', width: '39%', top: 58, bottom: 34 }
    ],
    xAxis: [
      { ...xAxis, gridIndex: 0 },
      { ...xAxis, gridIndex: 1 }
    ],
    yAxis: [
      { ...axis, type: 'value', gridIndex: 0, scale: true },
      {
        ...axis,
        type: 'value',
        gridIndex: 1,
        scale: true,
        max: (v: { max: number }) => Math.min(100, Math.ceil(v.max + 1))
      }
    ],
    series
  }
  return renderSvg(option, width, height)
}

/** Any registered option to a standalone SVG string (server-side rendering; also the study report's figures). */
export function renderSvg(
  option: echarts.EChartsCoreOption,
  width: number,
  height: number
): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

/** ECharts hands the formatter the whole `[x, y, percent]` triple; the label wants the percent. */
function percentValue(value: unknown): number {
  return Array.isArray(value) ? Number(value[2]) : Number(value)
}

function checkSize(field: 'width' | 'height', value: number): number {
  if (!Number.isFinite(value) || value < 50 || value > 10000)
    throw new Error(
      `Error in report chart: ${field} ${value} is out of range; use a pixel size between 50 and 10000`
    )
  return Math.round(value)
}
