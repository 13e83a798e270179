/**
 * ECharts option for the Datasets view's class counts: one bar per class and split (train,
 * validation when there is one, test), so an imbalanced or empty class shows at a glance.
 *
 * Splits are grouped side by side rather than stacked: each split is judged on its own (a class
 * missing from test matters even when train has plenty). With many classes (CIFAR-100) the labels
 * turn 60° and only every label that fits is drawn; the tooltip names every class.
 */
import type { BarSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { DatasetInspection } from '@contract/dataset-inspection'
import { chartTheme } from './echarts-setup'
import { escapeHtml } from './escape-html'

export type ClassCountsOption = ComposeOption<
  BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

type Counts = Pick<DatasetInspection, 'classNames' | 'train' | 'test' | 'validation'>

/** Above this many classes the axis labels turn and thin out. */
const MANY_CLASSES = 12

interface AxisTooltipParam {
  seriesName?: string
  marker?: unknown
  value?: unknown
  axisValue?: unknown
}

export function buildClassCountsOption(counts: Counts): ClassCountsOption {
  const splits = [
    { name: 'train', summary: counts.train, color: chartTheme.series[0] },
    ...(counts.validation
      ? [{ name: 'validation', summary: counts.validation, color: chartTheme.series[2] }]
      : []),
    { name: 'test', summary: counts.test, color: chartTheme.series[1] }
  ]
  const many = counts.classNames.length > MANY_CLASSES
  const axisLabel = { color: chartTheme.muted, fontSize: 11 }
  return {
    textStyle: { fontFamily: chartTheme.fontFamily },
    animationDuration: 250,
    legend: {
      top: 0,
      left: 0,
      itemWidth: 12,
      itemHeight: 8,
      textStyle: { color: chartTheme.text, fontSize: 11 }
    },
    grid: {
      left: 8,
      right: 8,
      top: 32,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'all'
    },
    xAxis: {
      type: 'category',
      data: [...counts.classNames],
      axisLabel: { ...axisLabel, rotate: many ? 60 : 0, interval: many ? 'auto' : 0 },
      axisTick: { alignWithLabel: true }
    },
    yAxis: {
      type: 'value',
      name: 'images',
      minInterval: 1,
      axisLabel,
      splitLine: { lineStyle: { color: chartTheme.grid } }
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as AxisTooltipParam[]
        const title = `<strong>${escapeHtml(String(list[0]?.axisValue ?? ''))}</strong>`
        const rows = list.map(
          (p) =>
            `${String(p.marker ?? '')}${escapeHtml(p.seriesName ?? '')}: ${Number(p.value).toLocaleString('en-US')}`
        )
        return [title, ...rows].join('<br/>')
      }
    },
    series: splits.map(({ name, summary, color }) => ({
      type: 'bar',
      name,
      data: [...summary.perClass],
      itemStyle: { color },
      barMaxWidth: 24
    }))
  }
}
