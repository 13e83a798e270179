/**
 * Registers the ECharts pieces the page uses, and nothing else (keeps the bundle small).
 *
 * SVG rather than canvas: crisp at any zoom, selectable text in the heatmap, and it renders in
 * jsdom, so component tests can read the cell labels.
 */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent
} from 'echarts/components'
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'

use([
  SVGRenderer,
  BarChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent
])

/** Fonts and colours shared by every chart, matching the page's CSS. */
export const chartTheme = {
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  text: '#1f2933',
  muted: '#616e7c',
  grid: '#e4e7eb',
  /** One colour per model, in the order models appear. */
  series: ['#2563eb', '#0d9488', '#d97706', '#7c3aed', '#db2777', '#475569', '#65a30d', '#0891b2']
} as const
