/**
 * ECharts options of a study's Figures 4 and 5 (Gubri et al.), shared by the run page and the
 * report (rendered there to SVG on the server): per epoch, the mean over seeds as a line with a band
 * for the spread over seeds, and a dashed vertical line after every epoch where the LR was divided.
 * Transfer's band is ± 2 std, cut to [0, 100] %; sharpness's band runs from the lowest to the highest
 * seed, because with 3 seeds ± 2 std reaches below zero, where no λmax or trace of these nets lies.
 * Plain data in, a plain option out: no chart library is loaded here, only its option types.
 */
import type { LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { SeedStat, StudyCurve } from './study-record'

export type StudyChartOption = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
>

const INK = '#1f2633'
const MUTED = '#5b6474'
export const STUDY_COLOURS = { transfer: '#d1495b', maxEigenvalue: '#2b59c3', trace: '#2a9d8f' }

type Metric = 'transfer' | 'maxEigenvalue' | 'trace'

/** How each figure's band reads the seeds (the captions say the same). */
export const STUDY_BAND_CAPTION = {
  transfer: '± 2 std over seeds (within 0–100 %)',
  sharpness: 'lowest to highest seed'
} as const

/** The band's lower and upper edge of one epoch's values over seeds. */
export function bandEdges(metric: Metric, s: SeedStat): [number, number] {
  if (metric !== 'transfer') return [Math.min(...s.values), Math.max(...s.values)]
  const clamp = (v: number): number => Math.min(1, Math.max(0, v))
  return [clamp(s.mean - 2 * s.std), clamp(s.mean + 2 * s.std)]
}

/** Line, band (lower edge + height, stacked) and LR-decay marks of one metric. */
function bandSeries(
  curve: StudyCurve,
  metric: Metric,
  name: string,
  yAxisIndex: number,
  scale: number
): LineSeriesOption[] {
  const points = curve.points.filter((p) => p[metric] !== null)
  const colour = STUDY_COLOURS[metric]
  const at = (s: SeedStat, k: -1 | 1): number => bandEdges(metric, s)[k === -1 ? 0 : 1] * scale
  const stack = `band-${metric}`
  const common = {
    type: 'line' as const,
    yAxisIndex,
    symbol: 'none',
    silent: true,
    stack,
    lineStyle: { opacity: 0 }
  }
  return [
    {
      ...common,
      name: `${name} band low`,
      data: points.map((p) => [p.epoch, at(p[metric]!, -1)]),
      tooltip: { show: false }
    },
    {
      ...common,
      name: `${name} band`,
      data: points.map((p) => [p.epoch, at(p[metric]!, 1) - at(p[metric]!, -1)]),
      areaStyle: { color: colour, opacity: 0.18 },
      tooltip: { show: false }
    },
    {
      type: 'line',
      name,
      yAxisIndex,
      color: colour,
      symbolSize: 4,
      lineStyle: { width: 2 },
      data: points.map((p) => [p.epoch, p[metric]!.mean * scale]),
      markLine: {
        silent: true,
        symbol: 'none',
        label: {
          formatter: (p: { value?: unknown }) => `LR ÷ after ${Number(p.value) - 0.5}`,
          color: MUTED,
          fontSize: 9,
          position: 'insideEndTop'
        },
        lineStyle: { color: MUTED, type: 'dashed', width: 1 },
        data: curve.decays.map((d) => ({ xAxis: d + 0.5 }))
      }
    }
  ]
}

function axes(curve: StudyCurve): {
  axisStyle: Record<string, unknown>
  x: Record<string, unknown>
} {
  const axisStyle = {
    axisLabel: { color: MUTED, fontSize: 10 },
    nameTextStyle: { color: MUTED, fontSize: 10 },
    splitLine: { lineStyle: { color: '#eef0f3' } }
  }
  const x = {
    ...axisStyle,
    type: 'value' as const,
    name: 'epoch',
    nameLocation: 'middle' as const,
    nameGap: 22,
    min: 1,
    max: Math.max(1, curve.points.length),
    minInterval: 1
  }
  return { axisStyle, x }
}

/** Figure 4: validation transfer of the SGD surrogate per epoch (%), mean and ± 2 std over seeds. */
export function studyTransferOption(curve: StudyCurve): StudyChartOption {
  const { axisStyle, x } = axes(curve)
  return {
    animation: false,
    textStyle: { color: INK },
    legend: { top: 0, data: ['transfer (%)'], textStyle: { fontSize: 10, color: INK } },
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 30, bottom: 40 },
    xAxis: x,
    yAxis: [{ ...axisStyle, type: 'value', name: '%', scale: true }],
    series: bandSeries(curve, 'transfer', 'transfer (%)', 0, 100)
  }
}

/** Figure 5: λmax (left axis) and trace (right axis) of the training-loss Hessian per epoch, mean and the seeds' range. */
export function studySharpnessOption(curve: StudyCurve): StudyChartOption {
  const { axisStyle, x } = axes(curve)
  return {
    animation: false,
    textStyle: { color: INK },
    legend: { top: 0, data: ['λmax', 'trace'], textStyle: { fontSize: 10, color: INK } },
    tooltip: { trigger: 'axis' },
    grid: { left: 52, right: 56, top: 30, bottom: 40 },
    xAxis: x,
    yAxis: [
      { ...axisStyle, type: 'value', name: 'λmax', scale: true },
      { ...axisStyle, type: 'value', name: 'trace', scale: true, splitLine: { show: false } }
    ],
    series: [
      ...bandSeries(curve, 'maxEigenvalue', 'λmax', 0, 1),
      ...bandSeries(curve, 'trace', 'trace', 1, 1)
    ]
  }
}
