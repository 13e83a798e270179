/**
 * ECharts options for the per-epoch training curves: loss, and train/test accuracy per model.
 *
 * Each model keeps one colour in both charts; train accuracy is dashed, test accuracy solid,
 * because test accuracy is the number the audit reports. Both accuracy series of a model share
 * its name, so the legend lists models (one click hides both lines) instead of twice as many entries.
 */
import type { LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { EpochMetrics } from '@contract/job-events'
import { chartTheme } from './echarts-setup'
import { epochAxis } from './epoch-axis'
import { escapeHtml } from './escape-html'

export type TrainingCurvesOption = ComposeOption<
  LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

export type Curves = Readonly<Record<string, readonly EpochMetrics[]>>

interface AxisTooltipParam {
  seriesName?: string
  seriesId?: string
  marker?: unknown
  value?: unknown
  axisValue?: unknown
}

function base(yName: string): TrainingCurvesOption {
  const axisLabel = { color: chartTheme.muted, fontSize: 11 }
  return {
    textStyle: { fontFamily: chartTheme.fontFamily },
    animationDuration: 250,
    color: [...chartTheme.series],
    legend: {
      top: 0,
      left: 0,
      itemWidth: 18,
      itemHeight: 8,
      textStyle: { color: chartTheme.text, fontSize: 11 }
    },
    grid: {
      left: 8,
      right: 24,
      top: 40,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'all'
    },
    xAxis: epochAxis(),
    yAxis: {
      type: 'value',
      name: yName,
      nameTextStyle: { color: chartTheme.muted, fontSize: 11, align: 'left' },
      axisLabel,
      splitLine: { lineStyle: { color: chartTheme.grid } }
    }
  }
}

export function buildLossOption(curves: Curves): TrainingCurvesOption {
  const models = Object.keys(curves)
  return {
    ...base('loss'),
    tooltip: {
      trigger: 'axis',
      formatter: (params) => axisTooltip(params, (_p, value) => value.toFixed(4))
    },
    series: models.map((model, i) => ({
      type: 'line',
      name: model,
      data: curves[model].map((m) => [m.epoch, m.loss]),
      showSymbol: curves[model].length < 30,
      symbolSize: 5,
      lineStyle: { width: 2 },
      itemStyle: { color: colorOf(i) }
    }))
  }
}

export function buildAccuracyOption(curves: Curves): TrainingCurvesOption {
  const models = Object.keys(curves)
  const values = models.flatMap((m) => curves[m].flatMap((e) => [e.testAccuracy, e.trainAccuracy]))
  // Zoom in on where the curves are (Fashion-MNIST sits at 70–95 %), never below 0.
  const low = values.length ? Math.max(0, Math.floor(Math.min(...values) * 10) / 10) : 0
  const option = base('accuracy')
  return {
    ...option,
    yAxis: {
      ...(option.yAxis as object),
      min: low,
      max: 1,
      axisLabel: {
        color: chartTheme.muted,
        fontSize: 11,
        formatter: (v: number) => `${Math.round(v * 100)} %`
      }
    },
    tooltip: {
      trigger: 'axis',
      formatter: (params) =>
        axisTooltip(params, (p, value) => {
          const split = String(p.seriesId ?? '').endsWith(':train') ? 'train' : 'test'
          return `${split} <b>${(value * 100).toFixed(1)} %</b>`
        })
    },
    series: models.flatMap((model, i): LineSeriesOption[] => [
      {
        type: 'line',
        id: `${model}:test`,
        name: model,
        data: curves[model].map((m) => [m.epoch, m.testAccuracy]),
        showSymbol: curves[model].length < 30,
        symbolSize: 5,
        lineStyle: { width: 2 },
        itemStyle: { color: colorOf(i) }
      },
      {
        type: 'line',
        id: `${model}:train`,
        name: model,
        data: curves[model].map((m) => [m.epoch, m.trainAccuracy]),
        showSymbol: false,
        lineStyle: { width: 1.5, type: 'dashed' },
        itemStyle: { color: colorOf(i) }
      }
    ])
  }
}

/** "epoch 3" then one line per series: marker, model name, and the value as `describe` formats it. */
function axisTooltip(
  params: unknown,
  describe: (p: AxisTooltipParam, value: number) => string
): string {
  const list = (Array.isArray(params) ? params : [params]) as AxisTooltipParam[]
  const epoch = Array.isArray(list[0]?.value)
    ? Number(list[0].value[0])
    : Number(list[0]?.axisValue)
  const rows = list.map((p) => {
    const value = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
    const marker = typeof p.marker === 'string' ? p.marker : ''
    return `${marker}${escapeHtml(p.seriesName ?? '')} · ${describe(p, value)}`
  })
  return [`epoch ${epoch}`, ...rows].join('<br/>')
}

function colorOf(index: number): string {
  return chartTheme.series[index % chartTheme.series.length]
}
