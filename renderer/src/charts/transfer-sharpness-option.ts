/**
 * ECharts option of the paper's Figure 5: per-epoch validation transferability (left axis, %) and
 * Hessian sharpness — largest eigenvalue λmax and trace (right axis) — of each tracked surrogate,
 * with the early-stopping epoch marked. Transfer is solid, λmax dashed, trace dotted, all in the
 * model's colour, so several surrogates stay apart. The sharpness axis is logarithmic when every
 * value is positive (trace is typically 10–100× λmax), linear otherwise (FD noise can go negative).
 */
import type { LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { EpochMetrics } from '@contract/job-events'
import { chartTheme } from './echarts-setup'
import { epochAxis } from './epoch-axis'
import { escapeHtml } from './escape-html'

export type TransferSharpnessOption = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
>

type Curves = Readonly<Record<string, readonly EpochMetrics[]>>

/** Whether any model has per-epoch validation transfer or sharpness to draw. */
export function hasProbeCurves(curves: Curves): boolean {
  return Object.values(curves).some((epochs) =>
    epochs.some((m) => m.validationTransfer || m.sharpness)
  )
}

interface TooltipParam {
  seriesName?: string
  seriesId?: string
  marker?: unknown
  value?: unknown
}

/**
 * `chosen` maps a surrogate to its early-stopped epoch (drawn as a vertical line on its transfer
 * curve). Models without any probe are left out; every model keeps its index colour from `curves`.
 */
export function buildTransferSharpnessOption(
  curves: Curves,
  chosen: Readonly<Record<string, number>> = {}
): TransferSharpnessOption {
  const models = Object.keys(curves)
  const sharpnessValues = models.flatMap((m) =>
    curves[m].flatMap((e) => (e.sharpness ? [e.sharpness.maxEigenvalue, e.sharpness.trace] : []))
  )
  const logScale = sharpnessValues.length > 0 && sharpnessValues.every((v) => v > 0)
  const axisLabel = { color: chartTheme.muted, fontSize: 11 }
  const series: LineSeriesOption[] = []
  models.forEach((model, i) => {
    const color = chartTheme.series[i % chartTheme.series.length]
    const epochs = curves[model]
    const transfer = epochs.filter((e) => e.validationTransfer)
    const sharp = epochs.filter((e) => e.sharpness)
    const showSymbol = epochs.length < 30
    if (transfer.length)
      series.push({
        type: 'line',
        id: `${model}:transfer`,
        name: `${model} transfer`,
        yAxisIndex: 0,
        data: transfer.map((e) => [e.epoch, e.validationTransfer!.rate]),
        showSymbol,
        symbolSize: 5,
        lineStyle: { width: 2 },
        itemStyle: { color },
        ...(chosen[model] === undefined
          ? {}
          : {
              markLine: {
                symbol: 'none',
                silent: true,
                lineStyle: { color, type: 'solid', width: 1 },
                // Along the line, inside the plot: the end of a vertical line is where the right axis's name sits.
                label: {
                  formatter: `chosen: epoch ${chosen[model]}`,
                  position: 'insideEndTop',
                  color: chartTheme.text,
                  fontSize: 11
                },
                data: [{ xAxis: chosen[model] }]
              }
            })
      })
    if (sharp.length) {
      series.push({
        type: 'line',
        id: `${model}:lambda`,
        name: `${model} λmax`,
        yAxisIndex: 1,
        data: sharp.map((e) => [e.epoch, e.sharpness!.maxEigenvalue]),
        showSymbol,
        symbolSize: 4,
        lineStyle: { width: 1.5, type: 'dashed' },
        itemStyle: { color }
      })
      series.push({
        type: 'line',
        id: `${model}:trace`,
        name: `${model} trace`,
        yAxisIndex: 1,
        data: sharp.map((e) => [e.epoch, e.sharpness!.trace]),
        showSymbol,
        symbolSize: 4,
        lineStyle: { width: 1.5, type: 'dotted' },
        itemStyle: { color }
      })
    }
  })
  return {
    textStyle: { fontFamily: chartTheme.fontFamily },
    animationDuration: 250,
    legend: {
      top: 0,
      left: 0,
      itemWidth: 18,
      itemHeight: 8,
      textStyle: { color: chartTheme.text, fontSize: 11 }
    },
    grid: {
      left: 8,
      right: 8,
      top: 48,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'all'
    },
    xAxis: epochAxis(),
    yAxis: [
      {
        type: 'value',
        name: 'validation transfer',
        nameTextStyle: { color: chartTheme.muted, fontSize: 11, align: 'left' },
        min: 0,
        axisLabel: { ...axisLabel, formatter: (v: number) => `${Math.round(v * 100)} %` },
        splitLine: { lineStyle: { color: chartTheme.grid } }
      },
      {
        type: logScale ? 'log' : 'value',
        name: 'sharpness',
        nameTextStyle: { color: chartTheme.muted, fontSize: 11, align: 'right' },
        axisLabel: { ...axisLabel, formatter: (v: number) => formatSharpness(v) },
        splitLine: { show: false }
      }
    ],
    tooltip: { trigger: 'axis', formatter: (params) => tooltip(params, curves) },
    series
  }
}

function formatSharpness(v: number): string {
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 0.01 && v !== 0)
    ? v.toExponential(1)
    : String(Number(v.toPrecision(3)))
}

/** "epoch 3", then per series the model's transfer with its count, λmax or trace. */
function tooltip(params: unknown, curves: Curves): string {
  const list = (Array.isArray(params) ? params : [params]) as TooltipParam[]
  const epoch = Array.isArray(list[0]?.value) ? Number(list[0].value[0]) : NaN
  const rows = list.map((p) => {
    const [model, kind] = String(p.seriesId ?? '').split(/:(?=[^:]*$)/)
    const value = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
    const marker = typeof p.marker === 'string' ? p.marker : ''
    const metrics = curves[model]?.find((e) => e.epoch === epoch)
    const text =
      kind === 'transfer'
        ? `validation transfer <b>${(value * 100).toFixed(1)} %</b>${metrics?.validationTransfer ? ` (${metrics.validationTransfer.fooled}/${metrics.validationTransfer.attacked})` : ''}`
        : `${kind === 'lambda' ? 'λmax' : 'trace'} <b>${value.toPrecision(4)}</b>`
    return `${marker}${escapeHtml(model ?? '')} · ${text}`
  })
  return [`epoch ${epoch}`, ...rows].join('<br/>')
}
