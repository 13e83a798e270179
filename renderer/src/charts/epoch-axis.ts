/**
 * The x axis every per-epoch chart shares (training curves, transfer and sharpness), so their
 * epochs line up when the charts sit next to each other.
 */
import type { XAXisComponentOption } from 'echarts'
import { chartTheme } from './echarts-setup'

export function epochAxis(): XAXisComponentOption {
  return {
    type: 'value' as const,
    name: 'epoch',
    nameLocation: 'end' as const,
    nameTextStyle: { color: chartTheme.muted, fontSize: 11 },
    minInterval: 1,
    min: 1,
    max: 'dataMax' as const,
    axisLabel: { color: chartTheme.muted, fontSize: 11 },
    splitLine: { show: false },
    axisLine: { lineStyle: { color: '#c4cbd4' } }
  }
}
