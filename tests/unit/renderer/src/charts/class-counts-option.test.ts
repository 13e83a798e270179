// @vitest-environment jsdom
import type { BarSeriesOption } from 'echarts/charts'
import { describe, expect, it } from 'vitest'
import { buildClassCountsOption } from '../../../../../renderer/src/charts/class-counts-option'

const counts = {
  classNames: ['shirt', '<b>bag</b>', 'sneaker'],
  train: { count: 9, perClass: [4, 0, 5] },
  test: { count: 3, perClass: [1, 1, 1] }
}
const seriesOf = (option: { series?: unknown }) => option.series as BarSeriesOption[]

describe('class counts option', () => {
  it('draws one bar series per split, validation between train and test only when present', () => {
    expect(seriesOf(buildClassCountsOption(counts)).map((s) => s.name)).toEqual(['train', 'test'])
    const withValidation = seriesOf(
      buildClassCountsOption({ ...counts, validation: { count: 2, perClass: [1, 0, 1] } })
    )
    expect(withValidation.map((s) => s.name)).toEqual(['train', 'validation', 'test'])
    expect(withValidation[0].data).toEqual([4, 0, 5])
    expect(withValidation[1].data).toEqual([1, 0, 1])
    expect(new Set(withValidation.map((s) => (s.itemStyle as { color: string }).color)).size).toBe(
      3
    )
  })

  it('puts class names on the axis, turning and thinning them only for many classes', () => {
    const few = buildClassCountsOption(counts).xAxis as {
      data: string[]
      axisLabel: { rotate: number; interval: unknown }
    }
    expect(few.data).toEqual(['shirt', '<b>bag</b>', 'sneaker'])
    expect(few.axisLabel).toMatchObject({ rotate: 0, interval: 0 })
    const names = Array.from({ length: 100 }, (_, i) => `class ${i}`)
    const zeros = new Array<number>(100).fill(0)
    const many = buildClassCountsOption({
      classNames: names,
      train: { count: 0, perClass: zeros },
      test: { count: 0, perClass: zeros }
    }).xAxis as {
      axisLabel: { rotate: number; interval: unknown }
    }
    expect(many.axisLabel).toMatchObject({ rotate: 60, interval: 'auto' })
  })

  it('names the class and each split in the tooltip, escaping class names', () => {
    const formatter = (
      buildClassCountsOption(counts).tooltip as { formatter: (p: unknown) => string }
    ).formatter
    const html = formatter([
      { axisValue: '<b>bag</b>', seriesName: 'train', marker: '', value: 0 },
      { axisValue: '<b>bag</b>', seriesName: 'test', marker: '', value: 1200 }
    ])
    expect(html).toBe('<strong>&#60;b&#62;bag&#60;/b&#62;</strong><br/>train: 0<br/>test: 1,200')
  })
})
